package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.lint.CheckConfig;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.parser.ParsedDockerfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A Dockerfile compiled for one set of {@link BuildOptions}: stages, the dependency graph between
 * them, the stages the target needs in execution order, the global ARGs and warnings. Immutable.
 * Expansion that depends on a base image's environment is left to {@link #dispatch}, which the
 * executor calls per stage once it has read the base image config.
 */
public final class BuildPlan {
  private final ParsedDockerfile parsed;
  private final BuildOptions options;
  private final List<MetaArg> metaArgs;
  private final Map<String, String> globalArgs;
  private final List<Stage> stages;
  private final int target;
  private final List<Dependency> dependencies;
  private final List<Integer> executionOrder;
  private final List<List<Dependency>> dependenciesByStage;
  private final boolean[] required;
  private final List<ParseWarning> warnings;

  BuildPlan(
      ParsedDockerfile parsed,
      BuildOptions options,
      List<MetaArg> metaArgs,
      Map<String, String> globalArgs,
      List<Stage> stages,
      int target,
      List<Dependency> dependencies,
      List<Integer> executionOrder,
      List<ParseWarning> warnings) {
    this.parsed = parsed;
    this.options = options;
    this.metaArgs = List.copyOf(metaArgs);
    this.globalArgs = globalArgs;
    this.stages = List.copyOf(stages);
    this.target = target;
    this.dependencies = List.copyOf(dependencies);
    this.executionOrder = List.copyOf(executionOrder);
    this.warnings = List.copyOf(warnings);
    List<List<Dependency>> byStage = new ArrayList<>(stages.size());
    for (int i = 0; i < stages.size(); i++) {
      byStage.add(new ArrayList<>());
    }
    for (Dependency d : dependencies) {
      byStage.get(d.stage()).add(d);
    }
    this.dependenciesByStage = byStage.stream().map(List::copyOf).toList();
    this.required = new boolean[stages.size()];
    for (int i : executionOrder) {
      required[i] = true;
    }
  }

  /**
   * Compiles a Dockerfile. Pure: no IO, no clock.
   *
   * @throws DockerfileException with the location of the first problem
   */
  public static BuildPlan compile(byte[] dockerfile, BuildOptions options) {
    return BuildPlanCompiler.compile(dockerfile, options);
  }

  public ParsedDockerfile parsed() {
    return parsed;
  }

  public BuildOptions options() {
    return options;
  }

  /** The escape character of the Dockerfile. */
  public char escapeToken() {
    return parsed.escapeToken();
  }

  /** All stages in file order (index = position). */
  public List<Stage> stages() {
    return stages;
  }

  public Stage stage(int index) {
    return stages.get(index);
  }

  /** The stage called {@code name} (case-insensitive). */
  public Optional<Stage> stage(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return stages.stream().filter(s -> !s.name().isEmpty() && s.name().equals(n)).findFirst();
  }

  /** The stage being built. */
  public Stage target() {
    return stages.get(target);
  }

  /** Global ARGs (before the first FROM) with their values for this build. */
  public List<MetaArg> metaArgs() {
    return metaArgs;
  }

  /**
   * The variables FROM lines and bare {@code ARG name} re-declarations see: the predefined platform
   * ARGs and {@code TARGETSTAGE} (build args may override them), then the global ARGs.
   */
  public Map<String, String> globalArgs() {
    return globalArgs;
  }

  /** Every edge of the stage graph, including those of pruned stages. */
  public List<Dependency> dependencies() {
    return dependencies;
  }

  /** The edges of one stage. */
  public List<Dependency> dependenciesOf(int stage) {
    return dependenciesByStage.get(stage);
  }

  /**
   * What the {@code --from} of COPY instruction {@code copy} (as parsed, in stage {@code stage})
   * names, resolved as the stage graph resolved it; empty for a COPY from the build context.
   */
  public Optional<StageBase> copySource(int stage, Instruction copy) {
    return dependenciesOf(stage).stream()
        .filter(d -> d.kind() == Dependency.Kind.COPY_FROM && d.via() == copy)
        .map(Dependency::source)
        .findFirst();
  }

  /**
   * What the {@code from=} of mount {@code mount} of RUN instruction {@code run} (as parsed, in
   * stage {@code stage}) names; empty for a mount of the build context.
   */
  public Optional<StageBase> mountSource(int stage, Instruction run, int mount) {
    return dependenciesOf(stage).stream()
        .filter(d -> d.kind() == Dependency.Kind.MOUNT_FROM && d.via() == run && d.mount() == mount)
        .map(Dependency::source)
        .findFirst();
  }

  /** The stages the target needs, each after the stages it depends on; the target is last. */
  public List<Stage> executionOrder() {
    return executionOrder.stream().map(stages::get).toList();
  }

  /** Stages the target does not need. */
  public List<Stage> pruned() {
    return stages.stream().filter(s -> !required[s.index()]).toList();
  }

  public boolean isRequired(int stage) {
    return stage >= 0 && stage < required.length && required[stage];
  }

  /**
   * The build-check settings ({@code # check=} or {@code --build-arg BUILDKIT_DOCKERFILE_CHECK}).
   * {@link #warnings} already leaves out the skipped rules.
   */
  public CheckConfig checks() {
    return BuildPlanCompiler.checks(parsed, options);
  }

  /**
   * With {@code # check=error=true}, the failure for the check violations among {@link #warnings}
   * (and {@code more}, e.g. a stage's UndefinedVar warnings), as BuildKit words it; else empty.
   */
  public Optional<DockerfileException> checkViolation(List<ParseWarning> more) {
    List<ParseWarning> all = new ArrayList<>(warnings);
    all.addAll(more);
    return Optional.ofNullable(checks().violation(all));
  }

  /** Parse warnings and build warnings (unused build args, undefined variables in FROM). */
  public List<ParseWarning> warnings() {
    return warnings;
  }

  /**
   * Proxy variables from the build args by upper-case name ({@code HTTP_PROXY}, ...); when both
   * spellings are given the lower-case one wins. Empty when there are none.
   */
  public Map<String, String> proxyEnv() {
    return ArgScope.proxyEnv(options.buildArgs());
  }

  /**
   * Walks stage {@code stageIndex} for a base image whose config Env is {@code baseImageEnv} (for a
   * stage built FROM another stage: that stage's {@link StageDispatch#imageEnv}). Pure.
   *
   * @throws DockerfileException when a word cannot be expanded
   */
  public StageDispatch dispatch(int stageIndex, List<String> baseImageEnv) {
    return StageDispatcher.dispatch(this, stages.get(stageIndex), baseImageEnv, null);
  }

  /**
   * Walks stage {@code stageIndex} built FROM another stage: it starts with that stage's config Env
   * ({@link StageDispatch#imageEnv}) and its state environment ({@link StageDispatch#stateEnv}), so
   * the ARGs declared there keep their values here, as in BuildKit. Pure.
   *
   * @throws DockerfileException when a word cannot be expanded
   */
  public StageDispatch dispatch(
      int stageIndex, List<String> baseImageEnv, Map<String, String> baseStateEnv) {
    return StageDispatcher.dispatch(this, stages.get(stageIndex), baseImageEnv, baseStateEnv);
  }

  /**
   * This plan with the ONBUILD triggers of stage {@code stageIndex}'s base image run first in that
   * stage. The executor calls it after reading the base config ({@code OnBuild} list), and should
   * then drop the triggers from the new image's config.
   *
   * @throws DockerfileException when a trigger is invalid or creates a dependency cycle
   */
  public BuildPlan withOnbuildTriggers(int stageIndex, List<String> triggers) {
    if (triggers.isEmpty()) {
      return this;
    }
    List<Stage> newStages = new ArrayList<>(stages);
    Stage s = stages.get(stageIndex);
    newStages.set(stageIndex, s.withInstructions(OnbuildTriggers.splice(s, triggers)));
    return BuildPlanCompiler.relink(this, newStages);
  }

  /**
   * Sets {@code key=value} in an image config Env list the way ENV does: an existing entry for the
   * key is replaced where it is, otherwise the entry is appended.
   */
  public static List<String> addEnv(List<String> env, String key, String value) {
    return StageDispatcher.withEnv(env, key, value);
  }

  List<ParseWarning> parseWarnings() {
    return parsed.warnings();
  }

  int targetIndex() {
    return target;
  }
}
