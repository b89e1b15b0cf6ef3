package dev.kiln.core.engine;

import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.Entitlement;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.SourceRange;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Refuses a RUN that asks for a privilege the build was not granted ({@code --network=host}, {@code
 * --security=insecure}; see {@link Entitlement}) before anything runs, as BuildKit refuses it when
 * it loads the build graph: every stage the target needs is checked as soon as the plan is
 * compiled, so no step of the build has run, and the ONBUILD triggers a base image brings are
 * checked when they are spliced in, before any step of their stage. A cached result is no way
 * around it: the check looks at the Dockerfile, not at what would run.
 */
final class EntitlementCheck {
  private EntitlementCheck() {}

  /**
   * Checks every instruction of the stages {@code plan} builds.
   *
   * @throws DockerfileException at the first RUN flag that needs an entitlement not granted
   */
  static void plan(BuildPlan plan, BuildRequest request) {
    for (Stage stage : plan.executionOrder()) {
      for (Instruction instruction : stage.instructions()) {
        Optional<Missing> missing = missing(instruction, request);
        if (missing.isPresent()) {
          Missing m = missing.get();
          throw new DockerfileException(m.message(), List.of(m.range()), m.hint(), null);
        }
      }
    }
  }

  /**
   * Checks the ONBUILD triggers of {@code stage}'s base image, which have no lines in the
   * Dockerfile: a refusal points at the stage's FROM.
   *
   * @throws DockerfileException at the first trigger that needs an entitlement not granted
   */
  static void triggers(Stage stage, List<Instruction> triggers, BuildRequest request) {
    for (Instruction trigger : triggers) {
      Optional<Missing> missing = missing(trigger, request);
      if (missing.isPresent()) {
        Missing m = missing.get();
        throw new DockerfileException(
            "the base image's trigger ONBUILD "
                + StageRunner.oneLine(trigger.original())
                + ": "
                + m.message(),
            List.of(stage.from().range()),
            m.hint(),
            null);
      }
    }
  }

  /** What {@code instruction} needs and the request does not grant, if anything. */
  static Optional<Missing> missing(Instruction instruction, BuildRequest request) {
    if (!(instruction instanceof RunInstruction run)) {
      return Optional.empty();
    }
    List<Entitlement> needed = new ArrayList<>();
    List<String> flags = new ArrayList<>();
    if (run.network() == RunInstruction.Network.HOST && !request.allows(Entitlement.NETWORK_HOST)) {
      needed.add(Entitlement.NETWORK_HOST);
      flags.add("--network=host");
    }
    if (run.security() == RunInstruction.Security.INSECURE
        && !request.allows(Entitlement.SECURITY_INSECURE)) {
      needed.add(Entitlement.SECURITY_INSECURE);
      flags.add("--security=insecure");
    }
    if (needed.isEmpty()) {
      return Optional.empty();
    }
    String names = needed.stream().map(Entitlement::flagValue).collect(Collectors.joining(","));
    String message =
        "RUN "
            + String.join(" ", flags)
            + " needs the "
            + needed.stream().map(Entitlement::flagValue).collect(Collectors.joining(" and "))
            + (needed.size() == 1 ? " entitlement" : " entitlements")
            + ", which this build was not granted";
    String hint =
        "pass --allow "
            + names
            + " if you trust this Dockerfile: "
            + (needed.contains(Entitlement.SECURITY_INSECURE)
                ? "the step then runs with full privileges on this machine"
                : "the step then shares this machine's network");
    return Optional.of(new Missing(message, hint, flagRange(run.node(), flags.get(0))));
  }

  /** A refusal: what is missing, what to pass, and the flag that asked for it. */
  record Missing(String message, String hint, SourceRange range) {}

  /** Where {@code flag} ({@code --name=value}) is written on the line, else the keyword. */
  private static SourceRange flagRange(Node node, String flag) {
    String name = flag.substring(0, flag.indexOf('=') + 1);
    for (int i = 0; i < node.flags().size(); i++) {
      if (node.flags().get(i).startsWith(name)) {
        return node.flagRange(i);
      }
    }
    return node.keywordRange();
  }
}
