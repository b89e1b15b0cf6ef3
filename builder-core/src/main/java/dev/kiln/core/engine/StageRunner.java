package dev.kiln.core.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.StepRef;
import dev.kiln.api.request.NamedContext;
import dev.kiln.cache.buildcache.BuildCache;
import dev.kiln.cache.buildcache.CacheKey;
import dev.kiln.cache.buildcache.CacheKeyBuilder;
import dev.kiln.cache.buildcache.CacheResult;
import dev.kiln.cache.buildcache.CachedLayer;
import dev.kiln.core.git.GitCommand;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.image.ResolvedImage;
import dev.kiln.core.image.StoreFirstBlobSource;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.lint.LintRule;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.DispatchedInstruction;
import dev.kiln.dockerfile.plan.Stage;
import dev.kiln.dockerfile.plan.StageBase;
import dev.kiln.dockerfile.plan.StageDispatch;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs one stage: resolves its base, splices the base's ONBUILD triggers in, has the frontend
 * dispatch the stage against the base's environment, and executes the instructions in order, each
 * returning a new {@link StageState}. Steps report start and end to the build's listener.
 */
final class StageRunner {
  /** PATH a stage gets when its base sets none, as BuildKit adds it. */
  static final String DEFAULT_PATH =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final BuildScope scope;
  private final BuildReporting reporting;
  private final Map<Integer, StageResult> done;
  private final Steps steps;
  private final BuildCache cache;
  private final RemoteCaches remote;
  private final Map<CacheKey, Object> inFlight = new java.util.concurrent.ConcurrentHashMap<>();

  StageRunner(
      BuildScope scope,
      Map<Integer, StageResult> done,
      Steps steps,
      BuildCache cache,
      RemoteCaches remote) {
    this.scope = scope;
    this.reporting = scope.reporting();
    this.done = done;
    this.steps = steps;
    this.cache = cache;
    this.remote = remote;
  }

  /** The stage's starting point, before ONBUILD triggers and instructions. */
  record Start(
      StageState state,
      Map<Digest, ImageReference> mountSources,
      List<String> onBuild,
      CacheKey key) {}

  /**
   * Runs stage {@code index} of {@code plan} and returns its result and the plan (ONBUILD triggers
   * of the base may have been spliced into it).
   */
  Outcome run(BuildPlan plan, int index) throws IOException, StepFailure {
    try {
      return runStage(plan, index);
    } catch (StepFailure f) {
      throw reporting.labels().multiPlatform()
          ? f.forPlatform(platformLabel(plan.stage(index)))
          : f;
    }
  }

  private Outcome runStage(BuildPlan plan, int index) throws IOException, StepFailure {
    Stage stage = plan.stage(index);
    Start base = startFrom(stage);
    if (!base.onBuild().isEmpty()) {
      plan = withTriggers(plan, index, base.onBuild());
      stage = plan.stage(index);
    }
    if (stage.instructions().stream().anyMatch(i -> i instanceof RunInstruction)) {
      // RUN will need the base's layers unpacked: base layers first read for a path lookup
      // (WORKDIR, USER, COPY) are then unpacked together and indexed as they are unpacked.
      scope.storage().views().willRunOn(base.state().layers(), base.state().blobs());
    }
    StageState first = withDefaultPath(base.state());
    List<String> env = new ArrayList<>(first.config().configOrEmpty().env());
    // A stage built FROM another stage also inherits its ARG values (BuildKit carries the state).
    StageDispatch dispatch =
        stage.base() instanceof StageBase.Stage parent
            ? plan.dispatch(index, env, done.get(parent.index()).stateEnv())
            : plan.dispatch(index, env);
    List<ParseWarning> found = new ArrayList<>(dispatch.warnings());
    found.addAll(platformCheck(plan, stage, base.state().config(), scope.targetPlatform()));
    checks(plan, found);
    boolean useCache = usesCache(stage);
    int totalSteps = stage.instructions().size() + 1;
    StageResults stages = new StageResults(plan, done);
    Progress progress = new Progress(first, base.key(), false, 0, 0);
    int position = 1;
    for (DispatchedInstruction step : dispatch.steps()) {
      position++;
      StepRef ref =
          stepRef(stage, position, totalSteps, oneLine(step.parsed().original()), step.expanded());
      progress =
          runStep(
              new StepInput(step, progress.state(), stages, index, progress.cmdSet(), ref),
              progress,
              useCache);
    }
    StageResult result =
        new StageResult(
            stage,
            progress.key(),
            progress.state(),
            dispatch.imageEnv(),
            dispatch.stateEnv(),
            base.mountSources(),
            progress.executed(),
            progress.cached());
    return new Outcome(plan, result);
  }

  /**
   * Where a stage's walk through its steps stands: the state and key after the last step, whether a
   * CMD came already, and how many steps ran and were reused.
   */
  private record Progress(
      StageState state, CacheKey key, boolean cmdSet, int executed, int cached) {
    Progress ran(StageState after, CacheKey stepKey) {
      return new Progress(after, stepKey, cmdSet, executed + 1, cached);
    }

    Progress reused(StageState after, CacheKey stepKey) {
      return new Progress(after, stepKey, cmdSet, executed, cached + 1);
    }

    Progress withCmdSet() {
      return new Progress(state, key, true, executed, cached);
    }
  }

  /** The FROM step: the stage's base, reported to the listener as the stage's first step. */
  private Start startFrom(Stage stage) throws StepFailure {
    StepRef fromStep =
        stepRef(stage, 1, stage.instructions().size() + 1, "FROM " + baseText(stage), stage.from());
    Instant began = reporting.clock().instant();
    reporting.listener().on(new BuildEvent.StepStarted(began, fromStep));
    Start base;
    try {
      base = start(stage);
    } catch (IOException e) {
      reporting
          .listener()
          .on(
              new BuildEvent.StepFailed(
                  reporting.clock().instant(), fromStep, e.getMessage(), false));
      throw StepFailure.of(fromStep, stage.from(), e);
    }
    completed(fromStep, began);
    return base;
  }

  /** {@code plan} with the base's ONBUILD {@code triggers} run first in stage {@code index}. */
  private BuildPlan withTriggers(BuildPlan plan, int index, List<String> triggers) {
    int own = plan.stage(index).instructions().size();
    BuildPlan spliced = plan.withOnbuildTriggers(index, triggers);
    Stage stage = spliced.stage(index);
    List<Instruction> added = stage.instructions().subList(0, stage.instructions().size() - own);
    EntitlementCheck.triggers(stage, added, scope.request());
    return spliced;
  }

  /** {@code state} with BuildKit's default PATH when its base sets none. */
  private static StageState withDefaultPath(StageState state) {
    List<String> env =
        new ArrayList<>(
            state.config().configOrEmpty().env() == null
                ? List.of()
                : state.config().configOrEmpty().env());
    if (env.stream().anyMatch(e -> e.startsWith("PATH="))) {
      return state;
    }
    env.add(DEFAULT_PATH);
    return state
        .withConfig(
            state.config().toBuilder()
                .config(state.config().configOrEmpty().toBuilder().env(env).build())
                .build())
        .withIdentity(StateIdentity.derived(state.identity(), "default PATH"));
  }

  /**
   * The build-check warnings found while walking the stage (UndefinedVar), told to the listener;
   * with {@code # check=error=true} they stop the build before the stage's first step.
   */
  private void checks(BuildPlan plan, List<ParseWarning> warnings) {
    for (ParseWarning w : warnings) {
      reporting
          .listener()
          .on(
              new BuildEvent.Warning(
                  reporting.clock().instant(),
                  w.rule() + ": " + w.message(),
                  Optional.of(reporting.labels().dockerfileName() + ":" + w.range().startLine())));
    }
    Optional<DockerfileException> violation = plan.checkViolation(warnings);
    if (violation.isPresent()) {
      throw violation.get();
    }
  }

  /**
   * BuildKit's InvalidBaseImagePlatform for a stage {@code FROM} an image: a single-platform base
   * made for another platform than the stage's is used, with a warning at the FROM line.
   */
  static List<ParseWarning> platformCheck(
      BuildPlan plan, Stage stage, ImageConfig config, Platform target) {
    LintRule rule = LintRule.INVALID_BASE_IMAGE_PLATFORM;
    if (!(stage.base() instanceof StageBase.Image image)
        || !plan.checks().reports(rule.ruleName())) {
      return List.of();
    }
    Platform platform =
        stage.platformOptional().map(p -> Platform.parse(p.format())).orElse(target);
    return BaseImages.platformMismatch(image.reference(), platform, config)
        .map(message -> List.of(rule.warning(message, stage.from().range())))
        .orElse(List.of());
  }

  /** Whether the stage's steps may be reused from a cache ({@code --no-cache}, its filter). */
  private boolean usesCache(Stage stage) {
    return !scope.request().noCache()
        && !scope.request().noCacheFilter().contains(stage.name())
        && !scope.request().noCacheFilter().contains(stage.displayName());
  }

  /**
   * One step, reported to the listener: reused from a cache when it can be, else run and recorded.
   * A failure is reported and becomes a {@link StepFailure} naming the step.
   */
  private Progress runStep(StepInput in, Progress progress, boolean useCache) throws StepFailure {
    Instruction instruction = in.instruction();
    StepRef ref = in.ref();
    Instant began = reporting.clock().instant();
    reporting.listener().on(new BuildEvent.StepStarted(began, ref));
    Progress next;
    try {
      Step kind = steps.of(instruction.kind());
      CacheKey stepKey = steps.key(progress.key(), in);
      if (!kind.cacheable(in)) {
        next = progress.ran(execute(kind, in).state(), stepKey);
        completed(ref, began);
      } else {
        // Two parallel stages with the same step run it once: the second finds the first's entry.
        synchronized (inFlight.computeIfAbsent(stepKey, k -> new Object())) {
          Optional<CacheResult> hit = reusable(kind, in, stepKey, useCache);
          if (hit.isPresent()) {
            next = progress.reused(reuse(in, stepKey, hit.get()), stepKey);
          } else {
            Ran ran = execute(kind, in);
            record(stepKey, ran.result(), useCache, in.stage());
            next = progress.ran(ran.state(), stepKey);
            completed(ref, began);
          }
        }
      }
    } catch (CopyFailure e) {
      reporting
          .listener()
          .on(new BuildEvent.StepFailed(reporting.clock().instant(), ref, e.getMessage(), false));
      throw StepFailure.of(ref, instruction, e.getMessage(), e.hint());
    } catch (RunFailedException e) {
      reporting
          .listener()
          .on(new BuildEvent.StepFailed(reporting.clock().instant(), ref, e.getMessage(), false));
      throw StepFailure.of(ref, instruction, e.getMessage(), null)
          .withDetail(e.lastLines().isEmpty() ? null : String.join("\n", e.lastLines()));
    } catch (IOException | RuntimeException e) {
      // Interrupted: another stage failed (or the build was stopped) and this one was cancelled.
      boolean cancelled = Thread.currentThread().isInterrupted();
      reporting
          .listener()
          .on(
              new BuildEvent.StepFailed(
                  reporting.clock().instant(), ref, String.valueOf(e.getMessage()), cancelled));
      throw StepFailure.of(ref, instruction, e);
    }
    return instruction instanceof dev.kiln.dockerfile.instructions.CmdInstruction
        ? next.withCmdSet()
        : next;
  }

  /**
   * The recorded result to reuse for {@code key}: the local cache's, else an imported cache's; none
   * under {@code --no-cache} (or its filter).
   */
  private Optional<CacheResult> reusable(Step kind, StepInput in, CacheKey key, boolean useCache)
      throws IOException {
    if (!useCache) {
      return Optional.empty();
    }
    Optional<CacheResult> hit = cache.lookup(key);
    if (hit.isEmpty()) {
      hit = remote.lookup(key, cache);
    }
    if (hit.isPresent()
        && kind.keysOnOwnInputs(in)
        && ConfigDelta.isWhole(hit.get().configChange())) {
      // A step keyed on its own inputs is reused on any stage; a whole recorded config would carry
      // the stage it was made on along.
      return Optional.empty();
    }
    return hit;
  }

  /** The state after a step reused from {@code hit}, the step reported as cached. */
  private StageState reuse(StepInput in, CacheKey key, CacheResult hit) {
    remote.record(in.stage(), key, hit);
    StageState before = in.state();
    StageState after =
        ConfigStep.withDeclaredArgs(in.instruction(), before.withRecorded(hit))
            .withIdentity(StateIdentity.after(before.identity(), hit));
    reporting.listener().on(new BuildEvent.StepCached(reporting.clock().instant(), in.ref()));
    return after;
  }

  /** A step that ran: the state it made and what a cache entry records of it. */
  private record Ran(StageState state, CacheResult result) {}

  /** Runs a step. */
  private Ran execute(Step kind, StepInput in) throws IOException, CopyFailure, RunFailedException {
    StageState before = in.state();
    StageState made = kind.execute(in);
    CacheResult result = resultOf(before, made);
    return new Ran(made.withIdentity(StateIdentity.after(before.identity(), result)), result);
  }

  /**
   * Records a step's new result. A step that ran again although it has an entry ({@code
   * --no-cache-filter}, {@code --no-cache}) and made the same layers and config keeps the entry it
   * had: only its times would change, and other stages that share the step (the same base and first
   * instructions) reuse the entry; replacing it would change their images though nothing of theirs
   * changed. A result with other content replaces the entry, and the keys after it change with it.
   */
  private void record(CacheKey key, CacheResult result, boolean looked, int stage)
      throws IOException {
    Optional<CacheResult> existing = looked ? Optional.empty() : cache.lookup(key);
    if (existing.isPresent() && StateIdentity.sameContent(existing.get(), result)) {
      remote.record(stage, key, existing.get());
      return;
    }
    cache.store(key, result);
    remote.record(stage, key, result);
  }

  /** A stage's result and the plan as it stands after the stage. */
  record Outcome(BuildPlan plan, StageResult result) {}

  private Start start(Stage stage) throws IOException {
    Platform platform =
        stage
            .platformOptional()
            .map(p -> Platform.parse(p.format()))
            .orElse(scope.targetPlatform());
    StageBase base = stage.base();
    if (base instanceof StageBase.Scratch) {
      ImageConfig config = ImageConfig.scratch(platform);
      return new Start(
          new StageState(
              config,
              List.of(),
              new StoreFirstBlobSource(
                  scope.storage().store(), remote.over(scope.storage().storeBlobs())),
              scope.storage().views().empty()),
          Map.of(),
          List.of(),
          CacheKeyBuilder.onScratch(platform).instruction("FROM scratch").build());
    }
    if (base instanceof StageBase.Stage s) {
      StageResult from = done.get(s.index());
      ImageConfig config = from.state().config();
      // The base stage's own ONBUILD instructions run here (BuildKit's resolveStages); what it
      // inherited from its image was cleared when it started, so nothing older carries over.
      ContainerConfig cc = config.configOrEmpty().toBuilder().onBuild(null).build();
      List<String> own = config.configOrEmpty().onBuild();
      return new Start(
          from.state()
              .withConfig(config.toBuilder().config(cc).build())
              .withIdentity(
                  StateIdentity.derived(from.state().identity(), "FROM a stage: ONBUILD cleared")),
          from.mountSources(),
          own == null ? List.of() : own,
          from.key());
    }
    String reference;
    if (base instanceof StageBase.Context c) {
      NamedContext named = scope.request().buildContexts().get(c.name());
      reference = contextReference(named, c.name());
    } else {
      reference = ((StageBase.Image) base).reference();
    }
    BaseImages.Base resolved = scope.storage().baseImages().resolve(reference, platform);
    return fromImage(resolved, platform);
  }

  private Start fromImage(BaseImages.Base resolved, Platform platform) throws IOException {
    ResolvedImage image = resolved.image();
    List<Digest> diffIds = image.config().diffIds();
    List<Descriptor> blobs = image.manifest().layers();
    List<LayerRef> layers = new ArrayList<>();
    Map<Digest, ImageReference> mounts = new HashMap<>();
    for (int i = 0; i < blobs.size(); i++) {
      Digest diffId = i < diffIds.size() ? diffIds.get(i) : blobs.get(i).digest();
      layers.add(new LayerRef(blobs.get(i), diffId));
      resolved
          .repository()
          .ifPresent(repo -> mounts.put(blobs.get(layers.size() - 1).digest(), repo));
    }
    // Streaming: the unpacking (or index) that first reads a base layer gets it as it downloads.
    BlobSource source =
        StoreFirstBlobSource.streaming(
            scope.storage().store(), remote.over(image.blobs()), image.source());
    ContainerConfig cc = image.config().configOrEmpty();
    List<String> onBuild = cc.onBuild() == null ? List.of() : cc.onBuild();
    ImageConfig config =
        image.config().toBuilder()
            .created(null)
            .config(cc.toBuilder().onBuild(null).build())
            .build();
    // The base's layers are used without being written: keep a concurrent prune away from them.
    scope.storage().store().retain(layers.stream().map(l -> l.blob().digest()).toList());
    // A later push of this image from the store mounts them from where they came.
    for (Map.Entry<Digest, ImageReference> mount : mounts.entrySet()) {
      scope
          .storage()
          .store()
          .blobOrigins()
          .record(mount.getKey(), mount.getValue().repositoryOnly().name());
    }
    return new Start(
        new StageState(config, layers, source, scope.storage().views().of(layers, source)),
        mounts,
        onBuild,
        CacheKeyBuilder.onBaseImage(image.digest(), platform).instruction("FROM").build());
  }

  private void completed(StepRef ref, Instant began) {
    reporting
        .listener()
        .on(
            new BuildEvent.StepCompleted(
                reporting.clock().instant(),
                ref,
                Duration.between(began, reporting.clock().instant())));
  }

  /**
   * What a cache entry records of a step: the layers it added and what it changed in the config.
   */
  private static CacheResult resultOf(StageState before, StageState after) {
    List<CachedLayer> added = new ArrayList<>();
    for (LayerRef layer : after.layers().subList(before.layers().size(), after.layers().size())) {
      added.add(new CachedLayer(layer.blob(), layer.diffId(), layer.uncompressedSize()));
    }
    List<History> history = after.config().history();
    History last =
        history == null || history.isEmpty()
            ? History.of(null, "", true)
            : history.get(history.size() - 1);
    List<Digest> diffIds = added.stream().map(CachedLayer::diffId).toList();
    return new CacheResult(
        added, last, ConfigDelta.between(before.config(), after.config(), last, diffIds));
  }

  static String contextReference(NamedContext named, String name) throws IOException {
    if (named instanceof NamedContext.Image i) {
      return i.reference();
    }
    if (named instanceof NamedContext.OciLayout l) {
      return "oci-layout://" + l.dir() + l.selector();
    }
    throw new dev.kiln.core.image.ImageNotFoundException(
        "build context " + name + " is a directory; FROM needs an image",
        "use --build-context "
            + name
            + "=docker-image://REF or oci-layout://DIR, or COPY --from="
            + name);
  }

  private String baseText(Stage stage) {
    StageBase base = stage.base();
    String text;
    if (base instanceof StageBase.Scratch) {
      text = "scratch";
    } else if (base instanceof StageBase.Stage s) {
      text = done.get(s.index()).stage().displayName();
    } else if (base instanceof StageBase.Context c) {
      text = c.name();
    } else {
      text = ((StageBase.Image) base).reference();
    }
    return stage.name().isEmpty() ? text : text + " AS " + stage.name();
  }

  private StepRef stepRef(Stage stage, int index, int total, String text, Instruction instruction) {
    String location = reporting.labels().dockerfileName() + ":" + instruction.range().startLine();
    String label = reporting.labels().singleStage() ? "" : stage.displayName();
    if (reporting.labels().multiPlatform()) {
      String platform = platformLabel(stage);
      label = label.isEmpty() ? platform : platform + " " + label;
    }
    return new StepRef(
        reporting.labels().stepOffsets().getOrDefault(stage.index(), 0) + index,
        label,
        index,
        total,
        text,
        Optional.of(location));
  }

  /**
   * The platform {@code stage} is built for: its own {@code FROM --platform} (a shared stage is
   * built once, for that platform), else the target's.
   */
  private String platformLabel(Stage stage) {
    return stage.platformOptional().map(p -> p.format()).orElse(scope.targetPlatform().toString());
  }

  static String oneLine(String text) {
    // A password or token in a URL (ADD's git and http sources) is not for progress logs.
    String single = GitCommand.redact(text).replaceAll("\\s*\\\\?\\r?\\n\\s*", " ").trim();
    return single.length() > 200 ? single.substring(0, 199) + "…" : single;
  }
}
