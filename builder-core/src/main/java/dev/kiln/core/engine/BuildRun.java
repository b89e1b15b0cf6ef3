package dev.kiln.core.engine;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.RegistryEventRelay;
import dev.kiln.api.place.RegistryAccess;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.api.request.RequestException;
import dev.kiln.api.request.SignSpec;
import dev.kiln.api.sign.ImageAttestations;
import dev.kiln.api.sign.ImageSignatures;
import dev.kiln.api.sign.SignedImage;
import dev.kiln.api.sign.Signer;
import dev.kiln.api.sign.SigningKeys;
import dev.kiln.cache.buildcache.BuildCache;
import dev.kiln.cache.store.CacheDirectory;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.core.attest.AttestationManifest;
import dev.kiln.core.attest.InTotoStatement;
import dev.kiln.core.checksum.DirectoryTree;
import dev.kiln.core.checksum.StatMemo;
import dev.kiln.core.checksum.TreeChecksummer;
import dev.kiln.core.fs.LayerIndexStore;
import dev.kiln.core.fs.StackViews;
import dev.kiln.core.host.XattrPrograms;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.output.ImageAnnotations;
import dev.kiln.core.output.ImageOutput;
import dev.kiln.core.output.TimestampRewriting;
import dev.kiln.core.sandbox.HostIdentity;
import dev.kiln.core.sbom.LayerPackagesStore;
import dev.kiln.core.step.ContextTree;
import dev.kiln.dockerfile.ignore.IgnoreFile;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.dockerfile.lint.LintRule;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.Dependency;
import dev.kiln.dockerfile.plan.SharedStages;
import dev.kiln.dockerfile.plan.Stage;
import dev.kiln.dockerfile.plan.StageBase;
import dev.kiln.dockerfile.plan.StageDispatch;
import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One build from request to outputs: read the Dockerfile, compile the plan, run the needed stages
 * in dependency order, finish the target stage's config (labels, platform, created), assemble the
 * image and hand it to every output.
 */
final class BuildRun {
  private final BuildRequest request;
  private final BuildListener listener;
  private final Clock clock;

  BuildRun(BuildRequest request, BuildListener listener, Clock clock) {
    this.clock = clock;
    this.request = request;
    this.listener = listener;
  }

  /** What the Dockerfile is called in messages, and its bytes. */
  record DockerfileText(String name, Path path, byte[] bytes) {}

  DockerfileText dockerfile() throws IOException {
    if (request.dockerfileContent().isPresent()) {
      return new DockerfileText("Dockerfile", null, request.dockerfileContent().get());
    }
    Path path = request.dockerfile().orElse(defaultDockerfile(request.context()));
    try {
      return new DockerfileText(path.getFileName().toString(), path, Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      throw new RequestException(
          "cannot read the Dockerfile " + path + ": no such file",
          "pass -f PATH, or run kiln build in the directory that holds the Dockerfile"
              + (request.dockerfile().isPresent() ? "" : " (or a Containerfile)"));
    }
  }

  /**
   * {@code Dockerfile} in the context, else a {@code Containerfile} there (as podman and buildah).
   */
  static Path defaultDockerfile(Path context) {
    Path dockerfile = context.resolve("Dockerfile");
    Path containerfile = context.resolve("Containerfile");
    return !Files.exists(dockerfile) && Files.exists(containerfile) ? containerfile : dockerfile;
  }

  BuildResult run(DockerfileText dockerfile) throws IOException, StepFailure {
    try (RegistryAccess registry = registryAccess()) {
      return run(dockerfile, registry);
    }
  }

  private BuildResult run(DockerfileText dockerfile, RegistryAccess registry)
      throws IOException, StepFailure {
    Instant started = clock.instant();
    requireContextDirectory();
    List<Platform> targets = targetPlatforms();
    if (!request.checkOnly()) {
      registry.rememberingPlainHttpIn(new StorePaths(storeRoot(request)).plainHttpRegistries());
      RegistryClientWarmUp.startIfImagesNamed(dockerfile.bytes(), registry);
    }
    // Once: for the CopyIgnoredFile check in the plans, and to filter the context.
    List<String> ignoreLines = IgnoreFile.load(request.context(), dockerfilePath(dockerfile));
    List<BuildPlan> plans = plans(dockerfile, targets, ignoreLines);
    if (request.checkOnly()) {
      // The checks walk the Dockerfile as the first platform compiles it.
      return check(plans.get(0), dockerfile, targets.get(0));
    }
    if (HostIdentity.current().isRoot()) {
      // Asked when the layer directories are opened below, which need not wait for all of it.
      XattrPrograms.probeInBackground();
    }
    // Read now: a wrong password or path fails before any step runs, not after the push.
    Optional<Signer> signer = signer();
    Path storeRoot = storeRoot(request);
    ContentStore store = ContentStore.open(storeRoot);
    String created = created(started);
    try (BaseImages baseImages = new BaseImages(store, registry, request.pull(), this::warnBase)) {
      // First: the rest of the set-up, and the stages before one that needs an image, overlap
      // the registry round trips of every image the target needs.
      prefetchImages(plans, targets, baseImages);
      BuildWorkspace workspace = BuildWorkspace.create(store);
      try {
        PatternMatcher ignore = PatternMatcher.of(ignoreLines);
        ContextTree context = new ContextTree(request.context(), ignore);
        LayerIndexStore indexes = new LayerIndexStore(store.paths());
        LayerDirectories layerDirectories =
            LayerDirectories.forCurrentUser(storeRoot, indexes.verifiedBlobs());
        StackViews views = new StackViews(indexes, layerDirectories);
        RemoteCaches remote =
            new RemoteCaches(
                request.cacheFrom(), request.cacheTo(), store, registry, listener, clock);
        remote.importAll(targets.get(0));
        SharedStageResults shared = sharedStages(plans, targets);
        List<BuildScope> scopes =
            scopes(
                plans, targets, store, baseImages, context, views, workspace, dockerfile, created);
        StatMemo memo = StatMemo.open(store.paths(), request.context());
        PlatformCommon common =
            new PlatformCommon(
                workspace, runTools(store, workspace), layerDirectories, memo, ignore, remote);
        PlatformsRun run = runPlatforms(plans, scopes, common, shared, memo, ignore);
        List<PlatformResult> results =
            platformResults(
                plans,
                targets,
                run,
                dockerfile,
                baseImages,
                started,
                new LayerPackagesStore(store.paths()));
        exportToRemoteCache(remote, plans);
        return writeOutputs(results, store, registry, remote, signer, created, started);
      } finally {
        workspace.close();
      }
    }
  }

  /**
   * Starts resolving every image the targets' stages name, each stage's base for the stage's
   * platform and each {@code COPY --from} or {@code RUN --mount from=} image for the target's, as
   * the steps will ask for them. Pruned stages are left out: their images are never asked for. A
   * reference that cannot be resolved fails when a step asks for it, with that step's location.
   */
  private void prefetchImages(List<BuildPlan> plans, List<Platform> targets, BaseImages images) {
    for (int i = 0; i < plans.size(); i++) {
      BuildPlan plan = plans.get(i);
      Platform target = targets.get(i);
      for (Stage stage : plan.executionOrder()) {
        Platform own = stage.platformOptional().map(p -> Platform.parse(p.format())).orElse(target);
        imageReference(stage.base()).ifPresent(ref -> images.prefetch(ref, own));
        for (Dependency d : plan.dependenciesOf(stage.index())) {
          if (d.kind() != Dependency.Kind.FROM) {
            imageReference(d.source()).ifPresent(ref -> images.prefetch(ref, target));
          }
        }
      }
    }
  }

  /** The image reference {@code source} names, if it names an image. */
  private Optional<String> imageReference(StageBase source) {
    if (source instanceof StageBase.Image image) {
      return Optional.of(image.reference());
    }
    if (source instanceof StageBase.Context c) {
      NamedContext named = request.buildContexts().get(c.name());
      if (named instanceof NamedContext.Image || named instanceof NamedContext.OciLayout) {
        try {
          return Optional.of(StageRunner.contextReference(named, c.name()));
        } catch (IOException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private void requireContextDirectory() {
    if (!Files.isDirectory(request.context())) {
      throw new RequestException(
          "build context " + request.context() + " is not a directory",
          "pass the directory to build as the last argument (default: .)");
    }
  }

  /** One plan per target platform, compiled in the order of {@code targets}. */
  private List<BuildPlan> plans(
      DockerfileText dockerfile, List<Platform> targets, List<String> ignoreLines) {
    List<BuildPlan> plans = new ArrayList<>();
    for (Platform target : targets) {
      plans.add(plan(dockerfile, target, plans.isEmpty(), ignoreLines));
    }
    return plans;
  }

  private RegistryAccess registryAccess() {
    return new RegistryAccess(
        request.insecureRegistries(),
        request.plainHttpCredentialHosts(),
        request.credentials(),
        request.registryLogins(),
        request.environment(),
        new RegistryEventRelay(listener, clock));
  }

  /**
   * Stages that cannot differ between the platforms (FROM --platform=$BUILDPLATFORM, and what they
   * read) are built by the first platform's run and handed to the others.
   */
  private SharedStageResults sharedStages(List<BuildPlan> plans, List<Platform> targets) {
    return targets.size() > 1
        ? new SharedStageResults(plans, SharedStages.of(plans, directoryContexts()))
        : SharedStageResults.none();
  }

  /** Exports every plan's image stages to the {@code --cache-to} caches, if any. */
  private static void exportToRemoteCache(RemoteCaches remote, List<BuildPlan> plans)
      throws IOException {
    if (remote.exporting()) {
      Set<Integer> imageStages = new HashSet<>();
      plans.forEach(p -> imageStages.addAll(imageStages(p)));
      remote.exportAll(imageStages);
    }
  }

  /**
   * The image's {@code created} time. Directories and heredoc files the build makes itself have no
   * source to take a time from; BuildKit stamps them with the wall clock, which makes every such
   * layer differ from one build to the next. kiln uses SOURCE_DATE_EPOCH, else 0 (see {@link
   * #scopes}), so that only the config's created fields depend on when a build ran.
   */
  private String created(Instant started) {
    return request.sourceDateEpoch().isPresent()
        ? Instant.ofEpochSecond(request.sourceDateEpoch().get()).toString()
        : started.toString();
  }

  private RunTools runTools(ContentStore store, BuildWorkspace workspace) {
    return new RunTools(
        request.isolation(),
        request.snapshotter(),
        workspace.dir().resolve("run"),
        workspace.sandboxState(),
        listener,
        clock,
        new AnnouncedNotes(store.paths().kilnDirectory(), request.debug()));
  }

  /** One scope per platform; step numbers run on from one platform's plan to the next. */
  private List<BuildScope> scopes(
      List<BuildPlan> plans,
      List<Platform> targets,
      ContentStore store,
      BaseImages baseImages,
      ContextTree context,
      StackViews views,
      BuildWorkspace workspace,
      DockerfileText dockerfile,
      String created) {
    BuildStorage storage = new BuildStorage(store, baseImages, views, workspace.dir());
    WriteSettings write =
        new WriteSettings(
            created, request.sourceDateEpoch().orElse(0L), layerOptions(firstImageOutput()));
    List<BuildScope> scopes = new ArrayList<>();
    int firstStep = 0;
    for (int i = 0; i < targets.size(); i++) {
      BuildPlan plan = plans.get(i);
      Map<Integer, Integer> offsets = stepOffsets(plan, firstStep);
      firstStep += stepCount(plan);
      scopes.add(
          new BuildScope(
              request,
              context,
              targets.get(i),
              storage,
              write,
              new BuildReporting(
                  listener,
                  new StepLabels(
                      dockerfile.name(), offsets, plan.stages().size() == 1, targets.size() > 1),
                  clock)));
    }
    return scopes;
  }

  /** Each platform's stage results, and the context's checksum when provenance records it. */
  private record PlatformsRun(List<Map<Integer, StageResult>> dones, Optional<Digest> context) {}

  private PlatformsRun runPlatforms(
      List<BuildPlan> plans,
      List<BuildScope> scopes,
      PlatformCommon common,
      SharedStageResults shared,
      StatMemo memo,
      PatternMatcher ignore)
      throws IOException, StepFailure {
    try {
      List<Map<Integer, StageResult>> dones =
          new PlatformRuns(request.maxParallelism())
              .run(
                  plans.size(),
                  i -> runStages(plans.get(i), scopes.get(i), common, shared, i == 0));
      Optional<Digest> contextChecksum = Optional.empty();
      if (request.attestation(AttestationSpec.Type.PROVENANCE).isPresent()) {
        // Once for all platforms: they read the same context.
        contextChecksum =
            contextChecksum(
                new TreeChecksummer(DirectoryTree.context(request.context(), ignore, memo)));
      }
      return new PlatformsRun(dones, contextChecksum);
    } finally {
      memo.save();
    }
  }

  /** What each platform built, with the attestations that describe it. */
  private List<PlatformResult> platformResults(
      List<BuildPlan> plans,
      List<Platform> targets,
      PlatformsRun run,
      DockerfileText dockerfile,
      BaseImages baseImages,
      Instant started,
      LayerPackagesStore packages) {
    List<PlatformResult> results = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      StageResult target = run.dones().get(i).get(plans.get(i).target().index());
      results.add(
          new PlatformResult(
              targets.get(i),
              plans.get(i),
              run.dones().get(i),
              new BuildAttestations(
                  request,
                  target,
                  new BuildAttestations.Inputs(
                      dockerfile, baseImages, run.context(), targets.get(i), others(targets, i)),
                  listener,
                  clock,
                  started,
                  packages)));
    }
    return results;
  }

  /** What every platform's run of a build uses alike. */
  private record PlatformCommon(
      BuildWorkspace workspace,
      RunTools tools,
      LayerDirectories layers,
      StatMemo memo,
      PatternMatcher ignore,
      RemoteCaches remote) {}

  /**
   * One target platform's plan, the results of its stages, and the attestations about its image.
   */
  private record PlatformResult(
      Platform platform,
      BuildPlan plan,
      Map<Integer, StageResult> done,
      BuildAttestations attestations) {
    StageResult target() {
      return done.get(plan.target().index());
    }
  }

  private static List<Platform> others(List<Platform> targets, int i) {
    List<Platform> others = new ArrayList<>(targets);
    others.remove(i);
    return others;
  }

  /** The platforms to build: {@code --platform}'s, else the host's. */
  private List<Platform> targetPlatforms() {
    if (request.platforms().isEmpty()) {
      return List.of(Platform.host());
    }
    return request.platforms().stream().map(Platform::parse).toList();
  }

  /** Named build contexts that are directories: their files are the same for every platform. */
  private Set<String> directoryContexts() {
    Set<String> names = new HashSet<>();
    request
        .buildContexts()
        .forEach(
            (name, context) -> {
              if (context instanceof NamedContext.Directory) {
                names.add(name);
              }
            });
    return names;
  }

  /**
   * The Dockerfile compiled for {@code target}, its entitlements checked, its warnings told (once
   * per build: when {@code first}).
   */
  private BuildPlan plan(
      DockerfileText dockerfile, Platform target, boolean first, List<String> ignoreLines) {
    BuildOptions options =
        BuildOptions.defaults()
            .withBuildArgs(request.buildArgs())
            .withPlatforms(
                dev.kiln.dockerfile.plan.Platform.host(),
                dev.kiln.dockerfile.plan.Platform.parse(target.toString()))
            .withNamedContexts(request.buildContexts().keySet())
            .withIgnorePatterns(ignoreLines);
    if (request.target().isPresent()) {
      options = options.withTarget(request.target().get());
    }
    BuildPlan plan = BuildPlan.compile(dockerfile.bytes(), options);
    // Before the store is opened or a base resolved: a build refused for a missing --allow has
    // run nothing and written nothing.
    EntitlementCheck.plan(plan, request);
    warn(first ? plan.warnings() : List.of(), dockerfile.name());
    // # check=error=true: the warnings above are the reasons, and nothing has run yet.
    Optional<DockerfileException> violation = plan.checkViolation(List.of());
    if (violation.isPresent()) {
      throw violation.get();
    }
    return plan;
  }

  /** Each warning as an event, build checks named by their rule as BuildKit prints them. */
  private void warnBase(String message) {
    listener.on(new BuildEvent.Warning(clock.instant(), message, Optional.empty()));
  }

  private void warn(List<ParseWarning> warnings, String dockerfileName) {
    for (ParseWarning w : warnings) {
      listener.on(
          new BuildEvent.Warning(
              clock.instant(),
              LintRule.isRule(w.rule()) ? w.rule() + ": " + w.message() : w.message(),
              w.range() == null
                  ? Optional.empty()
                  : Optional.of(dockerfileName + ":" + w.range().startLine())));
    }
  }

  /**
   * buildx's {@code --check}: the checks of {@link #plan}, then UndefinedVar in every stage the
   * target needs, walked with its base image's variables (only manifests and configs are fetched).
   * Nothing is built; a violation with {@code error=true} fails as in a build.
   */
  private BuildResult check(BuildPlan plan, DockerfileText dockerfile, Platform target)
      throws IOException {
    ContentStore store = ContentStore.open(storeRoot(request));
    List<ParseWarning> found = new ArrayList<>();
    try (RegistryAccess registry =
        new RegistryAccess(
            request.insecureRegistries(),
            request.plainHttpCredentialHosts(),
            request.credentials(),
            request.registryLogins(),
            request.environment(),
            new RegistryEventRelay(listener, clock))) {
      registry.rememberingPlainHttpIn(store.paths().plainHttpRegistries());
      BaseImages bases = new BaseImages(store, registry, request.pull(), this::warnBase);
      Map<Integer, StageDispatch> walked = new HashMap<>();
      for (int index : plan.executionOrder().stream().map(Stage::index).toList()) {
        Stage stage = plan.stage(index);
        StageDispatch d;
        if (stage.base() instanceof StageBase.Stage parent) {
          StageDispatch p = walked.get(parent.index());
          d = plan.dispatch(index, p.imageEnv(), p.stateEnv());
        } else if (stage.base() instanceof StageBase.Image image) {
          Platform platform =
              stage.platformOptional().map(p -> Platform.parse(p.format())).orElse(target);
          ImageConfig config = bases.resolve(image.reference(), platform).image().config();
          List<String> env = config.configOrEmpty().env();
          d = plan.dispatch(index, withPath(env == null ? List.of() : env));
          found.addAll(StageRunner.platformCheck(plan, stage, config, target));
        } else if (stage.base() instanceof StageBase.Scratch) {
          d = plan.dispatch(index, withPath(List.of()));
        } else {
          // A --build-context stage: its variables are not known without reading it.
          continue;
        }
        walked.put(index, d);
        found.addAll(d.warnings());
      }
    }
    warn(found, dockerfile.name());
    Optional<DockerfileException> violation = plan.checkViolation(found);
    if (violation.isPresent()) {
      throw violation.get();
    }
    return new BuildResult(
        Optional.empty(), Optional.empty(), Optional.empty(), 0, List.of(), List.of(), 0, 0);
  }

  private static List<String> withPath(List<String> env) {
    if (env.stream().anyMatch(e -> e.startsWith("PATH="))) {
      return env;
    }
    List<String> out = new ArrayList<>(env);
    out.add(StageRunner.DEFAULT_PATH);
    return out;
  }

  private Path dockerfilePath(DockerfileText dockerfile) {
    return dockerfile.path() == null ? defaultDockerfile(request.context()) : dockerfile.path();
  }

  private OutputSpec firstImageOutput() {
    return request.outputs().stream().filter(OutputSpec::isImage).findFirst().orElse(null);
  }

  /**
   * Runs the stages one platform's target needs, in parallel where the graph allows; their results.
   * The platform that {@code builds} the shared stages hands each to the others as it finishes; the
   * others take them from {@code shared}.
   */
  private Map<Integer, StageResult> runStages(
      BuildPlan plan,
      BuildScope scope,
      PlatformCommon common,
      SharedStageResults shared,
      boolean builds)
      throws IOException, StepFailure {
    PatternMatcher ignore = common.ignore();
    StatMemo memo = common.memo();
    RemoteCaches remote = common.remote();
    Map<Integer, StageResult> done = StageScheduler.resultMap();
    TreeChecksummer context =
        new TreeChecksummer(DirectoryTree.context(request.context(), ignore, memo));
    EarlyContextChecksum.startIfWholeCopied(plan, context);
    Sources sources = new Sources(scope, context, ignore, remote);
    RunStep runStep =
        new RunStep(
            scope,
            common.tools(),
            common.layers(),
            new RunMounts(scope, request.environment(), common.workspace().secrets()),
            sources);
    StageRunner runner =
        new StageRunner(
            scope,
            done,
            new Steps(scope, sources, runStep),
            BuildCache.open(scope.storage().store()),
            remote);
    StageScheduler.StageTask task =
        (p, index) -> {
          StageResult result = runner.run(p, index).result();
          if (builds && shared.isShared(index)) {
            shared.publish(index, result);
          }
          return result;
        };
    try {
      new StageScheduler(request.maxParallelism())
          .run(plan, done, task, builds ? Map.of() : shared.given());
    } finally {
      if (builds) {
        // Completes nothing that was published; fails what this run never reached.
        shared.abandon(
            new java.io.InterruptedIOException("the platform building the shared stages stopped"));
      }
    }
    return done;
  }

  /**
   * The whole context's checksum for provenance; a file no step used that cannot be read (which did
   * not stop the build) leaves the context out of the provenance, with a warning, rather than
   * failing a build that succeeded.
   */
  private Optional<Digest> contextChecksum(TreeChecksummer context) {
    try {
      return Optional.of(context.checksum(""));
    } catch (IOException | RuntimeException e) {
      listener.on(
          new BuildEvent.Warning(
              clock.instant(),
              "the provenance does not record the build context: " + e.getMessage(),
              Optional.empty()));
      return Optional.empty();
    }
  }

  /**
   * The OCI image config has no HEALTHCHECK: kiln keeps Docker's field in it, which docker and
   * BuildKit's images read, but podman and buildah ignore it in an image with OCI media types, so a
   * health check silently never runs there. Said once per build, with the way out.
   */
  private void warnOfIgnoredHealthcheck(ImageConfig config) {
    boolean oci = request.outputs().stream().anyMatch(o -> o.isImage() && o.ociMediaTypes());
    if (oci && config.config() != null && config.config().healthcheck() != null) {
      listener.on(
          new BuildEvent.Warning(
              clock.instant(),
              "HEALTHCHECK is in an image with OCI media types, where podman and buildah ignore"
                  + " it (the OCI config has no health check); build with --format docker"
                  + " (oci-mediatypes=false) for them to run it",
              Optional.empty()));
    }
  }

  /**
   * Writes the target stage to every output (one image, or an index of every platform's image),
   * tells the listener, and sums the build up.
   */
  private BuildResult writeOutputs(
      List<PlatformResult> results,
      ContentStore store,
      RegistryAccess registry,
      RemoteCaches remote,
      Optional<Signer> signer,
      String created,
      Instant started)
      throws IOException {
    List<ImageConfig> configs = finishedConfigs(results, created);
    OutputTargets targets =
        new OutputTargets(request, store, registry, results.get(0).target(), mountSources(results));
    boolean attest = results.get(0).attestations().requested();
    Optional<Written> primary = Optional.empty();
    List<String> names = new ArrayList<>();
    OutputImages forms =
        new OutputImages(request, store, listener, clock, this::layerOptions, firstImageOutput());
    warnBeforeOutputs(configs);
    boolean twoDigests = imageOutputsHaveTwoDigests();
    Map<Digest, List<Attested>> indexes = new LinkedHashMap<>();
    boolean warned = false;
    for (OutputSpec spec : request.outputs()) {
      if (!spec.isImage()) {
        writeFiles(spec, results, store, registry, targets);
        continue;
      }
      List<BuiltImage> images = forms.of(spec, targetStates(results), configs, platforms(results));
      List<String> outputNames = targets.namesFor(spec);
      ImageOutput output = targets.forSpec(spec);
      boolean attested = attest && output.keepsAttestations();
      if (attest && !attested && !warned) {
        warned = true;
        warnOfDroppedAttestations(output, images.size());
      }
      ImageAnnotations annotations = ImageAnnotations.of(request, spec);
      Written written =
          attested
              ? writeAttested(output, images, results, outputNames, indexes, annotations)
              : writeUnattested(output, images, results, outputNames, indexes, annotations);
      if (primary.isEmpty()) {
        primary = Optional.of(written);
      }
      addNewNames(names, outputNames);
      if (twoDigests) {
        announceImageOutput(spec, outputNames, written);
      }
    }
    if (attest && primary.isEmpty()) {
      warnOfUnmadeAttestations();
    }
    if (signer.isPresent()) {
      sign(targets.pushResults(), indexes, registry, signer.get());
    }
    // After the outputs, so that only the layers no step or output read are fetched for it.
    remote.keepImported(BuildCache.open(store));
    return summary(results, primary, names, targets.pushed().stream().distinct().toList(), started);
  }

  /** What the outputs will lose or not do, said once before they are written. */
  private void warnBeforeOutputs(List<ImageConfig> configs) {
    // Every platform's config comes from the same Dockerfile: the first says it for all.
    warnOfIgnoredHealthcheck(configs.get(0));
    TimestampRewriting.warning(request.outputs(), request.sourceDateEpoch())
        .ifPresent(w -> listener.on(new BuildEvent.Warning(clock.instant(), w, Optional.empty())));
  }

  private static List<StageState> targetStates(List<PlatformResult> results) {
    return results.stream().map(r -> r.target().state()).toList();
  }

  /** Each platform's target config, finished (labels, created, platform). */
  private List<ImageConfig> finishedConfigs(List<PlatformResult> results, String created) {
    List<ImageConfig> configs = new ArrayList<>();
    for (PlatformResult r : results) {
      configs.add(finish(r.target().state().config(), created, r.platform()));
    }
    return configs;
  }

  /** Where the platforms' base layers came from, so that a push can mount them from there. */
  private static Map<Digest, ImageReference> mountSources(List<PlatformResult> results) {
    Map<Digest, ImageReference> mountSources = new HashMap<>();
    for (PlatformResult r : results) {
      mountSources.putAll(r.target().mountSources());
    }
    return mountSources;
  }

  private void warnOfUnmadeAttestations() {
    listener.on(
        new BuildEvent.Warning(
            clock.instant(),
            "no output holds an image, so the attestations were not made",
            Optional.empty()));
  }

  /**
   * Whether image outputs differ in media types (OCI and Docker), so that the images have two
   * digests: the summary's one digest would not say which output got which, so each image output
   * says it.
   */
  private boolean imageOutputsHaveTwoDigests() {
    return request.outputs().stream()
            .filter(OutputSpec::isImage)
            .map(OutputSpec::ociMediaTypes)
            .distinct()
            .count()
        > 1;
  }

  /** Adds to {@code names} each of {@code more} that does not name the same as one already in. */
  private static void addNewNames(List<String> names, List<String> more) {
    for (String name : more) {
      if (names.stream().noneMatch(n -> SameName.of(n, name))) {
        names.add(name);
      }
    }
  }

  /** Tells the listener which digest an image output got. */
  private void announceImageOutput(OutputSpec spec, List<String> outputNames, Written written) {
    listener.on(
        new BuildEvent.OutputWritten(
            clock.instant(),
            typeName(spec) + (spec.ociMediaTypes() ? "" : ", oci-mediatypes=false"),
            imageDestination(spec, outputNames),
            Optional.of(written.digest().toString())));
  }

  /** Writes the target stage's files to a non-image output ({@code local}, {@code tar}). */
  private void writeFiles(
      OutputSpec spec,
      List<PlatformResult> results,
      ContentStore store,
      RegistryAccess registry,
      OutputTargets targets)
      throws IOException {
    exportFiles(spec, results, store, registry, targets);
    listener.on(
        new BuildEvent.OutputWritten(
            clock.instant(),
            typeName(spec),
            spec.dest().map(Path::toString).orElse("-"),
            Optional.empty()));
  }

  /**
   * Writes an index of the images and each one's attestation manifest, even for one platform, and
   * remembers the images it lists in {@code indexes} for signing.
   */
  private Written writeAttested(
      ImageOutput output,
      List<BuiltImage> images,
      List<PlatformResult> results,
      List<String> outputNames,
      Map<Digest, List<Attested>> indexes,
      ImageAnnotations annotations)
      throws IOException {
    List<List<InTotoStatement>> statements = new ArrayList<>();
    List<Attested> listed = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      statements.add(results.get(i).attestations().about(images.get(i), outputNames));
      listed.add(new Attested(images.get(i).descriptor(), statements.get(i)));
    }
    BuiltIndex index =
        annotations.annotate(
            images.size() == 1
                ? AttestationManifest.attach(images.get(0), statements.get(0), Map.of())
                : AttestationManifest.attach(images, platforms(results), statements, Map.of()),
            images,
            platforms(results));
    indexes.put(index.digest(), listed);
    output.writeIndex(index, outputNames);
    return Written.of(index, images);
  }

  /**
   * Writes the one image, or an index of the platforms' images (remembered in {@code indexes} for
   * signing).
   */
  private Written writeUnattested(
      ImageOutput output,
      List<BuiltImage> images,
      List<PlatformResult> results,
      List<String> outputNames,
      Map<Digest, List<Attested>> indexes,
      ImageAnnotations annotations)
      throws IOException {
    if (images.size() == 1) {
      output.write(images.get(0), outputNames);
      return Written.of(images.get(0));
    }
    BuiltIndex index =
        annotations.annotate(
            BuiltIndex.of(images, platforms(results), Map.of()), images, platforms(results));
    List<Attested> listed = new ArrayList<>();
    images.forEach(i -> listed.add(new Attested(i.descriptor(), List.of())));
    indexes.put(index.digest(), listed);
    output.writeIndex(index, outputNames);
    return Written.of(index, images);
  }

  private void warnOfDroppedAttestations(ImageOutput output, int images) {
    listener.on(
        new BuildEvent.Warning(
            clock.instant(),
            output.describe()
                + (images == 1
                    ? " holds one image, so it gets the image without its attestations"
                    : " gets the platforms' images without their attestations")
                + "; they go to registries and OCI outputs (--push, -o type=oci)",
            Optional.empty()));
  }

  /** Tells the listener the build completed (when it made an image) and sums it up. */
  private BuildResult summary(
      List<PlatformResult> results,
      Optional<Written> primary,
      List<String> names,
      List<String> pushed,
      Instant started) {
    // A shared stage is in every platform's results: count it once.
    Set<StageResult> stages = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    results.forEach(r -> stages.addAll(r.done().values()));
    int executed = stages.stream().mapToInt(StageResult::stepsExecuted).sum();
    int cached = stages.stream().mapToInt(StageResult::stepsCached).sum();
    Written image = primary.orElse(null);
    if (image != null) {
      listener.on(
          new BuildEvent.BuildCompleted(
              clock.instant(),
              image.digest().toString(),
              pushed.isEmpty() ? names : pushed,
              image.size(),
              executed,
              cached,
              Duration.between(started, clock.instant())));
    }
    return new BuildResult(
        image == null ? Optional.empty() : Optional.of(image.digest()),
        image == null ? Optional.empty() : image.config(),
        image == null ? Optional.empty() : Optional.of(image.mediaType()),
        image == null ? 0 : image.manifestSize(),
        names,
        pushed,
        executed,
        cached);
  }

  /** How {@code -o type=} names {@code spec}'s type. */
  private static String typeName(OutputSpec spec) {
    return spec.type() == OutputSpec.Type.OCI_LAYOUT
        ? "oci"
        : spec.type().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String imageDestination(OutputSpec spec, List<String> names) {
    if (spec.dest().isPresent()) {
      return spec.dest().get().toString();
    }
    String where = spec.push() ? "the registry" : "kiln's store";
    return names.isEmpty() ? where : where + " as " + String.join(", ", names);
  }

  /**
   * What the first image output holds, for the result: an image, or an index (of the platforms'
   * images, and of their attestations), whose digest is then the build's, as with buildx. Only a
   * single image has a config.
   */
  private record Written(
      Digest digest, String mediaType, long manifestSize, Optional<Digest> config, long size) {
    static Written of(BuiltImage image) {
      return new Written(
          image.digest(),
          image.manifest().mediaType(),
          image.manifest().raw().size(),
          Optional.of(image.config().raw().digest()),
          image.size());
    }

    static Written of(BuiltIndex index, List<BuiltImage> images) {
      return new Written(
          index.digest(),
          index.index().mediaType(),
          index.index().raw().size(),
          images.size() == 1
              ? Optional.of(images.get(0).config().raw().digest())
              : Optional.empty(),
          index.size());
    }
  }

  private static List<Platform> platforms(List<PlatformResult> results) {
    return results.stream().map(PlatformResult::platform).toList();
  }

  private Optional<Signer> signer() throws IOException {
    if (request.sign().isEmpty()) {
      return Optional.empty();
    }
    SignSpec spec = request.sign().get();
    return Optional.of(SigningKeys.signer(spec.key(), spec.passwordEnv(), request.environment()));
  }

  /** An image an index output lists and the statements its attestation manifest carries. */
  private record Attested(Descriptor image, List<InTotoStatement> statements) {}

  /**
   * Signs each image pushed, once per repository (the signature is kept there, by digest), and
   * signs attestations as DSSE envelopes next to the image they are about. Of a multi-platform
   * index, the index and each platform's image are signed, as {@code cosign sign --recursive} does:
   * a verifier that resolved the tag to one platform's manifest (a runtime, a policy controller)
   * finds that image's signature, and one that checks the tag finds the index's.
   *
   * @param indexes for each index an output wrote, the images it lists besides attestations
   */
  private void sign(
      List<PushResult> pushes,
      Map<Digest, List<Attested>> indexes,
      RegistryAccess registry,
      Signer signer)
      throws IOException {
    ImageSignatures signatures = new ImageSignatures(registry.client());
    ImageAttestations envelopes = new ImageAttestations(registry.client());
    Set<ImageReference> done = new HashSet<>();
    for (PushResult push : pushes) {
      if (!done.add(push.pushed())) {
        continue;
      }
      signImage(signatures, push.pushed(), push.manifest(), signer);
      List<Attested> listed = indexes.getOrDefault(push.manifest().digest(), List.of());
      for (Attested a : listed) {
        if (listed.size() > 1) {
          signImage(signatures, push.pushed(), a.image(), signer);
        }
        if (!a.statements().isEmpty()) {
          ImageReference att = envelopes.attach(push.pushed(), a.image(), a.statements(), signer);
          listener.on(
              new BuildEvent.Note(
                  clock.instant(),
                  "signed "
                      + a.statements().size()
                      + (a.statements().size() == 1 ? " attestation" : " attestations")
                      + " of "
                      + push.pushed().repositoryOnly().withDigest(a.image().digest())
                      + ": "
                      + att));
        }
      }
    }
  }

  private void signImage(
      ImageSignatures signatures, ImageReference pushed, Descriptor image, Signer signer)
      throws IOException {
    SignedImage signed = signatures.sign(pushed, image, signer);
    listener.on(
        new BuildEvent.Note(
            clock.instant(),
            "signed "
                + signed.image()
                + " with "
                + signer.describe()
                + ": "
                + signed.signatureTag()
                + signed.referrer().map(d -> " and referrer " + d).orElse("")));
  }

  /**
   * {@code type=local|tar}: the final stage's files; with several platforms each platform's go to a
   * directory of its own, named as buildx names it ({@code linux_arm64}).
   */
  private void exportFiles(
      OutputSpec spec,
      List<PlatformResult> results,
      ContentStore store,
      RegistryAccess registry,
      OutputTargets single)
      throws IOException {
    if (results.size() == 1) {
      single.exportFiles(spec);
      return;
    }
    for (PlatformResult r : results) {
      Platform p = r.platform();
      String dir = p.os() + "_" + p.architecture() + (p.variant() == null ? "" : "_" + p.variant());
      OutputSpec own = spec.withDest(spec.dest().orElseThrow().resolve(dir));
      new OutputTargets(request, store, registry, r.target()).exportFiles(own);
    }
  }

  /** The target stage and the stages it is built FROM: those whose layers are in the image. */
  private static Set<Integer> imageStages(BuildPlan plan) {
    Set<Integer> stages = new HashSet<>();
    Stage stage = plan.target();
    while (stage != null && stages.add(stage.index())) {
      stage =
          stage.base() instanceof dev.kiln.dockerfile.plan.StageBase.Stage s
              ? plan.stage(s.index())
              : null;
    }
    return stages;
  }

  /**
   * Step numbers run through the stages in execution order: stage n starts after stage n-1's, the
   * first at {@code first} (a later platform's steps follow the earlier platforms').
   */
  private static Map<Integer, Integer> stepOffsets(BuildPlan plan, int first) {
    Map<Integer, Integer> offsets = new HashMap<>();
    int next = first;
    for (Stage stage : plan.executionOrder()) {
      offsets.put(stage.index(), next);
      next += stage.instructions().size() + 1;
    }
    return offsets;
  }

  private static int stepCount(BuildPlan plan) {
    int count = 0;
    for (Stage stage : plan.executionOrder()) {
      count += stage.instructions().size() + 1;
    }
    return count;
  }

  private ImageConfig finish(ImageConfig config, String created, Platform target) {
    ContainerConfig run = config.configOrEmpty();
    if (!request.labels().isEmpty()) {
      Map<String, String> labels = new LinkedHashMap<>();
      if (run.labels() != null) {
        labels.putAll(run.labels());
      }
      labels.putAll(request.labels());
      run = run.toBuilder().labels(labels).build();
    }
    // Without SOURCE_DATE_EPOCH the image is as old as its newest step: a fully cached rebuild
    // then has the same config, and so the same digest, as the build it reuses.
    String imageCreated = created;
    if (request.sourceDateEpoch().isEmpty() && config.history() != null) {
      for (History h : config.history()) {
        if (h.created() != null) {
          imageCreated = h.created();
        }
      }
    }
    ImageConfig.Builder b = config.toBuilder().config(run).created(imageCreated);
    if (config.os() == null || config.architecture() == null || !request.platforms().isEmpty()) {
      b.platform(target);
    }
    return b.build();
  }

  private LayerOptions layerOptions(OutputSpec spec) {
    LayerOptions options = LayerOptions.defaults();
    if (spec != null) {
      Compression compression = spec.compression();
      options = options.withCompression(compression);
      if (spec.compressionLevel().isPresent() && compression != Compression.NONE) {
        int level = spec.compressionLevel().get();
        options = options.withLevel(level);
      }
    }
    if (request.sourceDateEpoch().isPresent()) {
      options = options.withSourceDateEpoch(request.sourceDateEpoch().get());
    }
    return options;
  }

  /** kiln's store for {@code request}: {@code --cache-dir}, else the default. */
  static Path storeRoot(BuildRequest request) {
    return request.cacheDir().orElseGet(() -> CacheDirectory.resolve(Optional.empty()));
  }

  static void deleteTree(Path root) {
    // Best effort: a leftover spool file is removed with the workspace by the next build.
    dev.kiln.cache.store.TreeDeletion.deleteQuietly(root);
  }
}
