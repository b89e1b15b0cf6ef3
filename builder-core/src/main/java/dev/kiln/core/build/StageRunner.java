package dev.kiln.core.build;

import dev.kiln.core.event.BuildEvent;
import dev.kiln.core.event.StepRef;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.image.ResolvedImage;
import dev.kiln.core.image.StoreFirstBlobSource;
import dev.kiln.core.request.NamedContext;
import dev.kiln.core.rootfs.RootfsIndex;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.DispatchedInstruction;
import dev.kiln.dockerfile.plan.Stage;
import dev.kiln.dockerfile.plan.StageBase;
import dev.kiln.dockerfile.plan.StageDispatch;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
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
  private final Map<Integer, StageResult> done;
  private final StepExecutor steps;

  StageRunner(BuildScope scope, Map<Integer, StageResult> done, StepExecutor steps) {
    this.scope = scope;
    this.done = done;
    this.steps = steps;
  }

  /** The stage's starting point, before ONBUILD triggers and instructions. */
  record Start(StageState state, Map<Digest, ImageReference> mountSources, List<String> onBuild) {}

  /**
   * Runs stage {@code index} of {@code plan} and returns its result and the plan (ONBUILD triggers
   * of the base may have been spliced into it).
   */
  Outcome run(BuildPlan plan, int index) throws IOException, StepFailure {
    Stage stage = plan.stage(index);
    int totalSteps = stage.instructions().size() + 1;
    StepRef fromStep = stepRef(stage, 1, totalSteps, "FROM " + baseText(stage), stage.from());
    Instant start = Instant.now();
    scope.listener().on(new BuildEvent.StepStarted(start, fromStep));
    Start base;
    try {
      base = start(stage);
    } catch (IOException e) {
      scope
          .listener()
          .on(new BuildEvent.StepFailed(Instant.now(), fromStep, e.getMessage(), false));
      throw StepFailure.of(fromStep, stage.from(), e);
    }
    scope
        .listener()
        .on(
            new BuildEvent.StepCompleted(
                Instant.now(), fromStep, Duration.between(start, Instant.now())));

    if (!base.onBuild().isEmpty()) {
      plan = plan.withOnbuildTriggers(index, base.onBuild());
      stage = plan.stage(index);
      totalSteps = stage.instructions().size() + 1;
    }
    StageState state = base.state();
    List<String> env =
        new ArrayList<>(
            state.config().configOrEmpty().env() == null
                ? List.of()
                : state.config().configOrEmpty().env());
    if (env.stream().noneMatch(e -> e.startsWith("PATH="))) {
      env.add(DEFAULT_PATH);
      state =
          state.withConfig(
              state.config().toBuilder()
                  .config(state.config().configOrEmpty().toBuilder().env(env).build())
                  .build());
    }
    StageDispatch dispatch = plan.dispatch(index, env);
    boolean cmdSet = false;
    int executed = 0;
    int position = 1;
    for (DispatchedInstruction step : dispatch.steps()) {
      position++;
      Instruction instruction = step.expanded();
      StepRef ref =
          stepRef(stage, position, totalSteps, oneLine(step.parsed().original()), instruction);
      Instant began = Instant.now();
      scope.listener().on(new BuildEvent.StepStarted(began, ref));
      try {
        state = steps.execute(step, state, cmdSet, ref, done, plan);
      } catch (CopyFailure e) {
        scope.listener().on(new BuildEvent.StepFailed(Instant.now(), ref, e.getMessage(), false));
        throw StepFailure.of(ref, instruction, e.getMessage(), e.hint());
      } catch (IOException | RuntimeException e) {
        scope
            .listener()
            .on(
                new BuildEvent.StepFailed(
                    Instant.now(), ref, String.valueOf(e.getMessage()), false));
        throw StepFailure.of(ref, instruction, e);
      }
      if (instruction instanceof dev.kiln.dockerfile.instructions.CmdInstruction) {
        cmdSet = true;
      }
      executed++;
      scope
          .listener()
          .on(
              new BuildEvent.StepCompleted(
                  Instant.now(), ref, Duration.between(began, Instant.now())));
    }
    StageResult result =
        new StageResult(stage, state, dispatch.imageEnv(), base.mountSources(), executed);
    return new Outcome(plan, result);
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
          new StageState(config, List.of(), scope.storeBlobs(), RootfsIndex.empty()),
          Map.of(),
          List.of());
    }
    if (base instanceof StageBase.Stage s) {
      StageResult from = done.get(s.index());
      ImageConfig config = from.state().config();
      // The base stage's own ONBUILD instructions run here (BuildKit's resolveStages); what it
      // inherited from its image was cleared when it started, so nothing older carries over.
      ContainerConfig cc = config.configOrEmpty().toBuilder().onBuild(null).build();
      List<String> own = config.configOrEmpty().onBuild();
      return new Start(
          from.state().withConfig(config.toBuilder().config(cc).build()),
          from.mountSources(),
          own == null ? List.of() : own);
    }
    String reference;
    if (base instanceof StageBase.Context c) {
      NamedContext named = scope.request().buildContexts().get(c.name());
      reference = contextReference(named, c.name());
    } else {
      reference = ((StageBase.Image) base).reference();
    }
    BaseImages.Base resolved = scope.baseImages().resolve(reference, platform);
    return fromImage(resolved);
  }

  private Start fromImage(BaseImages.Base resolved) {
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
    BlobSource source = new StoreFirstBlobSource(scope.store(), image.blobs());
    ContainerConfig cc = image.config().configOrEmpty();
    List<String> onBuild = cc.onBuild() == null ? List.of() : cc.onBuild();
    ImageConfig config =
        image.config().toBuilder()
            .created(null)
            .config(cc.toBuilder().onBuild(null).build())
            .build();
    return new Start(
        new StageState(config, layers, source, RootfsIndex.of(layers, source)), mounts, onBuild);
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
    String location = scope.dockerfileName() + ":" + instruction.range().startLine();
    return new StepRef(
        scope.stepNumbers().incrementAndGet(),
        scope.singleStage() ? "" : stage.displayName(),
        index,
        total,
        text,
        Optional.of(location));
  }

  static String oneLine(String text) {
    String single = text.replaceAll("\\s*\\\\?\\r?\\n\\s*", " ").trim();
    return single.length() > 200 ? single.substring(0, 199) + "…" : single;
  }
}
