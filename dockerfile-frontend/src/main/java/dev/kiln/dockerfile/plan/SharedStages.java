package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.ArgDeclaration;
import dev.kiln.dockerfile.instructions.ArgInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The stages a multi-platform build may build once for all its target platforms: those whose result
 * cannot depend on the target platform. The usual case is a cross-compiling builder, {@code FROM
 * --platform=$BUILDPLATFORM golang AS build}, that never declares {@code ARG TARGETARCH}.
 *
 * <p>A stage of a Dockerfile compiled once per target platform is shared when, in every plan:
 *
 * <ul>
 *   <li>its FROM names a {@code --platform}, the same after expansion (without one a stage is built
 *       for the target platform);
 *   <li>its base is the same (a {@code FROM base-${TARGETARCH}} is not);
 *   <li>every ARG it declares has the same value from outside the stage: the predefined platform
 *       ARGs ({@code TARGETOS}, {@code TARGETARCH}…), the global ARGs (whose defaults may read
 *       them) and build args;
 *   <li>its edges are the same, each to a shared stage or a directory: a {@code COPY --from} or
 *       {@code RUN --mount from=} of an image resolves that image for the target platform, as
 *       BuildKit does, so it makes the stage the target's.
 * </ul>
 *
 * <p>ONBUILD triggers of a base image are only known when the stage runs: the executor builds the
 * stages {@link #of} names for the first platform, then keeps shared only those {@link #confirmed}
 * still names. Pure: no IO.
 */
public final class SharedStages {
  private SharedStages() {}

  /**
   * The indexes of the stages of {@code plans} (one per target platform, all of the same
   * Dockerfile) that are the same for every target platform.
   *
   * @param directoryContexts names of {@code --build-context}s that are directories (their files do
   *     not depend on the platform); any other named context may be an image
   */
  public static Set<Integer> of(List<BuildPlan> plans, Set<String> directoryContexts) {
    if (plans.isEmpty()) {
      return Set.of();
    }
    BuildPlan first = plans.get(0);
    Set<Integer> shared = new TreeSet<>();
    for (Stage stage : first.stages()) {
      if (candidate(plans, stage.index(), directoryContexts)) {
        shared.add(stage.index());
      }
    }
    return closed(first, shared);
  }

  /**
   * {@code shared} less the stages that turned out to be the target's when they ran: those whose
   * instructions as run (the base image's ONBUILD triggers spliced in) declare an ARG of {@link
   * #platformArgs}, and the stages that read them.
   *
   * @param asRun the instructions each stage ran, by stage index
   */
  public static Set<Integer> confirmed(
      List<BuildPlan> plans, Set<Integer> shared, Map<Integer, List<Instruction>> asRun) {
    if (plans.isEmpty()) {
      return Set.of();
    }
    Set<String> platformArgs = platformArgs(plans);
    Set<Integer> kept = new TreeSet<>(shared);
    for (Map.Entry<Integer, List<Instruction>> stage : asRun.entrySet()) {
      for (String name : declaredArgs(stage.getValue())) {
        if (platformArgs.contains(name)) {
          kept.remove(stage.getKey());
        }
      }
    }
    return closed(plans.get(0), kept);
  }

  /** A stage is the target's when it reads one that is: drops such stages until none is left. */
  private static Set<Integer> closed(BuildPlan plan, Set<Integer> candidates) {
    Set<Integer> shared = new TreeSet<>(candidates);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Integer index : List.copyOf(shared)) {
        for (Dependency d : plan.dependenciesOf(index)) {
          if (d.source() instanceof StageBase.Stage s && !shared.contains(s.index())) {
            shared.remove(index);
            changed = true;
            break;
          }
        }
      }
    }
    return Set.copyOf(shared);
  }

  /**
   * The names of the variables whose values differ between {@code plans}: the target platform's
   * predefined ARGs and every global ARG that reads one. A stage built once for every platform must
   * not declare them, from an ONBUILD trigger either.
   */
  public static Set<String> platformArgs(List<BuildPlan> plans) {
    Set<String> names = new TreeSet<>();
    for (BuildPlan plan : plans) {
      names.addAll(plan.globalArgs().keySet());
    }
    names.removeIf(name -> sameEverywhere(plans, name));
    return Set.copyOf(names);
  }

  private static boolean candidate(List<BuildPlan> plans, int index, Set<String> directories) {
    Stage first = plans.get(0).stage(index);
    if (first.platform() == null) {
      return false;
    }
    for (BuildPlan plan : plans) {
      Stage stage = plan.stage(index);
      if (!Objects.equals(stage.platform(), first.platform())
          || !Objects.equals(stage.base(), first.base())
          || !sameEdges(plan.dependenciesOf(index), plans.get(0).dependenciesOf(index))) {
        return false;
      }
    }
    for (String name : declaredArgs(first.instructions())) {
      if (!sameEverywhere(plans, name)) {
        return false;
      }
    }
    for (Dependency d : plans.get(0).dependenciesOf(index)) {
      if (d.kind() == Dependency.Kind.FROM) {
        continue; // resolved for the stage's own, fixed, platform
      }
      boolean platformFree =
          d.source() instanceof StageBase.Stage
              || d.source() instanceof StageBase.Scratch
              || (d.source() instanceof StageBase.Context c && directories.contains(c.name()));
      if (!platformFree) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameEdges(List<Dependency> a, List<Dependency> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i).kind() != b.get(i).kind() || !a.get(i).source().equals(b.get(i).source())) {
        return false;
      }
    }
    return true;
  }

  private static boolean sameEverywhere(List<BuildPlan> plans, String name) {
    String value = plans.get(0).globalArgs().get(name);
    for (BuildPlan plan : plans) {
      Map<String, String> args = plan.globalArgs();
      if (!Objects.equals(args.get(name), value)) {
        return false;
      }
    }
    return true;
  }

  /** The names ARG instructions in {@code instructions} declare. */
  public static List<String> declaredArgs(List<Instruction> instructions) {
    List<String> names = new ArrayList<>();
    for (Instruction instruction : instructions) {
      if (instruction instanceof ArgInstruction arg) {
        for (ArgDeclaration d : arg.args()) {
          names.add(d.key());
        }
      }
    }
    return names;
  }
}
