package dev.kiln.core.engine;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.RegistryEventRelay;
import dev.kiln.api.place.RegistryAccess;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.BuildRequest;
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
import dev.kiln.core.attest.AttestationManifest;
import dev.kiln.core.attest.InTotoStatement;
import dev.kiln.core.checksum.DirectoryTree;
import dev.kiln.core.checksum.StatMemo;
import dev.kiln.core.checksum.TreeChecksummer;
import dev.kiln.core.fs.LayerIndexStore;
import dev.kiln.core.fs.StackViews;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.output.ImageOutput;
import dev.kiln.core.step.ContextTree;
import dev.kiln.dockerfile.ignore.IgnoreFile;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.dockerfile.lint.LintRule;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    Instant started = clock.instant();
    if (!Files.isDirectory(request.context())) {
      throw new RequestException(
          "build context " + request.context() + " is not a directory",
          "pass the directory to build as the last argument (default: .)");
    }
    Platform target = targetPlatform();
    BuildPlan plan = plan(dockerfile, target);
    if (request.checkOnly()) {
      return check(plan, dockerfile, target);
    }
    // Read now: a wrong password or path fails before any step runs, not after the push.
    Optional<Signer> signer = signer();
    Path storeRoot = storeRoot(request);
    ContentStore store = ContentStore.open(storeRoot);
    BuildWorkspace workspace = BuildWorkspace.create(store);
    // Directories and heredoc files the build makes itself have no source to take a time from.
    // BuildKit stamps them with the wall clock, which makes every such layer differ from one build
    // to the next; kiln uses SOURCE_DATE_EPOCH, else 0, so that only the config's created fields
    // depend on when a build ran.
    long epoch = request.sourceDateEpoch().orElse(0L);
    String created =
        request.sourceDateEpoch().isPresent()
            ? Instant.ofEpochSecond(epoch).toString()
            : started.toString();
    try (RegistryAccess registry =
        new RegistryAccess(
            request.insecureRegistries(),
            request.plainHttpCredentialHosts(),
            request.credentials(),
            request.registryLogins(),
            request.environment(),
            new RegistryEventRelay(listener, clock))) {
      PatternMatcher ignore = ignoreFile(dockerfile);
      BaseImages images = new BaseImages(store, registry);
      BuildScope scope =
          new BuildScope(
              request,
              store,
              images,
              new ContextTree(request.context(), ignore),
              listener,
              created,
              epoch,
              layerOptions(firstImageOutput()),
              workspace.dir(),
              dockerfile.name(),
              dockerfile.bytes(),
              target,
              stepOffsets(plan),
              plan.stages().size() == 1,
              new StackViews(
                  new LayerIndexStore(store.paths()),
                  LayerDirectories.forCurrentUser(storeRoot)::existing),
              clock);
      RemoteCaches remote =
          new RemoteCaches(
              request.cacheFrom(), request.cacheTo(), store, registry, listener, clock);
      remote.importAll(target);
      StagesRun stages = runStages(plan, scope, workspace, ignore, remote);
      Map<Integer, StageResult> done = stages.done();
      if (remote.exporting()) {
        remote.exportAll(imageStages(plan));
      }
      BuildAttestations attestations =
          new BuildAttestations(
              request,
              done.get(plan.target().index()),
              new BuildAttestations.Inputs(dockerfile, images, stages.context(), target),
              listener,
              clock,
              started);
      return writeOutputs(
          plan, done, store, registry, remote, signer, attestations, created, target, started);
    } finally {
      workspace.close();
    }
  }

  private Platform targetPlatform() {
    if (request.platforms().size() > 1) {
      throw new RequestException(
          "several --platform values are not supported yet ("
              + String.join(",", request.platforms())
              + ")",
          "build each platform separately");
    }
    return request.platforms().isEmpty()
        ? Platform.host()
        : Platform.parse(request.platforms().get(0));
  }

  /** The Dockerfile compiled for {@code target}, its entitlements checked, its warnings told. */
  private BuildPlan plan(DockerfileText dockerfile, Platform target) {
    BuildOptions options =
        BuildOptions.defaults()
            .withBuildArgs(request.buildArgs())
            .withPlatforms(
                dev.kiln.dockerfile.plan.Platform.host(),
                dev.kiln.dockerfile.plan.Platform.parse(target.toString()))
            .withNamedContexts(request.buildContexts().keySet());
    if (request.target().isPresent()) {
      options = options.withTarget(request.target().get());
    }
    BuildPlan plan = BuildPlan.compile(dockerfile.bytes(), options);
    // Before the store is opened or a base resolved: a build refused for a missing --allow has
    // run nothing and written nothing.
    EntitlementCheck.plan(plan, request);
    warn(plan.warnings(), dockerfile.name());
    // # check=error=true: the warnings above are the reasons, and nothing has run yet.
    Optional<DockerfileException> violation = plan.checkViolation(List.of());
    if (violation.isPresent()) {
      throw violation.get();
    }
    return plan;
  }

  /** Each warning as an event, build checks named by their rule as BuildKit prints them. */
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
      BaseImages bases = new BaseImages(store, registry);
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
          List<String> env =
              bases.resolve(image.reference(), platform).image().config().configOrEmpty().env();
          d = plan.dispatch(index, withPath(env == null ? List.of() : env));
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

  private PatternMatcher ignoreFile(DockerfileText dockerfile) throws IOException {
    return PatternMatcher.of(
        IgnoreFile.load(
            request.context(),
            dockerfile.path() == null ? defaultDockerfile(request.context()) : dockerfile.path()));
  }

  private OutputSpec firstImageOutput() {
    return request.outputs().stream().filter(OutputSpec::isImage).findFirst().orElse(null);
  }

  /**
   * The stages' results and, when provenance records it, the build context's checksum (the context
   * as the build saw it, {@code .dockerignore} applied; mostly memoized by then).
   */
  private record StagesRun(Map<Integer, StageResult> done, Optional<Digest> context) {}

  /** Runs the stages the target needs, in parallel where the graph allows; their results. */
  private StagesRun runStages(
      BuildPlan plan,
      BuildScope scope,
      BuildWorkspace workspace,
      PatternMatcher ignore,
      RemoteCaches remote)
      throws IOException, StepFailure {
    Map<Integer, StageResult> done = StageScheduler.resultMap();
    StatMemo memo = StatMemo.open(scope.store().paths(), request.context());
    TreeChecksummer context =
        new TreeChecksummer(DirectoryTree.context(request.context(), ignore, memo));
    Sources sources = new Sources(scope, context, ignore, remote);
    RunStep runStep =
        new RunStep(
            scope,
            new RunTools(
                request.isolation(),
                request.snapshotter(),
                workspace.dir().resolve("run"),
                workspace.sandboxState(),
                listener,
                clock),
            LayerDirectories.forCurrentUser(storeRoot(request)),
            new RunMounts(scope, request.environment(), workspace.secrets()),
            sources);
    StageRunner runner =
        new StageRunner(
            scope,
            done,
            new Steps(scope, sources, runStep),
            BuildCache.open(scope.store()),
            remote);
    Optional<Digest> contextChecksum = Optional.empty();
    try {
      new StageScheduler(request.maxParallelism())
          .run(plan, done, (p, index) -> runner.run(p, index).result());
      if (request.attestation(AttestationSpec.Type.PROVENANCE).isPresent()) {
        contextChecksum = contextChecksum(context);
      }
    } finally {
      memo.save();
    }
    return new StagesRun(done, contextChecksum);
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

  /** Writes the target stage to every output, tells the listener, and sums the build up. */
  private BuildResult writeOutputs(
      BuildPlan plan,
      Map<Integer, StageResult> done,
      ContentStore store,
      RegistryAccess registry,
      RemoteCaches remote,
      Optional<Signer> signer,
      BuildAttestations attestations,
      String created,
      Platform target,
      Instant started)
      throws IOException {
    int executed = done.values().stream().mapToInt(StageResult::stepsExecuted).sum();
    int cached = done.values().stream().mapToInt(StageResult::stepsCached).sum();
    StageResult result = done.get(plan.target().index());
    ImageConfig config = finish(result.state().config(), created, target);
    OutputTargets targets = new OutputTargets(request, store, registry, result);
    Optional<Written> primary = Optional.empty();
    List<String> names = new ArrayList<>();
    Map<Boolean, BuiltImage> byFlavor = new LinkedHashMap<>();
    Map<Digest, Attested> attested = new LinkedHashMap<>();
    boolean warned = false;
    for (OutputSpec spec : request.outputs()) {
      if (!spec.isImage()) {
        targets.exportFiles(spec);
        continue;
      }
      BuiltImage image =
          byFlavor.computeIfAbsent(
              spec.ociMediaTypes(),
              oci ->
                  ImageAssembler.assemble(
                      config,
                      result.state().layers(),
                      result.state().blobs(),
                      oci,
                      annotations(spec)));
      List<String> outputNames = targets.namesFor(spec);
      ImageOutput output = targets.forSpec(spec);
      Written written;
      if (attestations.requested() && output.holdsIndexes()) {
        List<InTotoStatement> statements = attestations.about(image, outputNames);
        BuiltIndex index = AttestationManifest.attach(image, statements, Map.of());
        attested.put(index.digest(), new Attested(image.descriptor(), statements));
        output.write(index, outputNames);
        written = Written.of(index, image);
      } else {
        if (attestations.requested() && !warned) {
          warned = true;
          listener.on(
              new BuildEvent.Warning(
                  clock.instant(),
                  output.describe()
                      + " holds one image, so it gets the image without its attestations; they"
                      + " go to registries and OCI outputs (--push, -o type=oci)",
                  Optional.empty()));
        }
        output.write(image, outputNames);
        written = Written.of(image);
      }
      if (primary.isEmpty()) {
        primary = Optional.of(written);
      }
      names.addAll(outputNames);
    }
    if (attestations.requested() && primary.isEmpty()) {
      listener.on(
          new BuildEvent.Warning(
              clock.instant(),
              "no output holds an image, so the attestations were not made",
              Optional.empty()));
    }
    if (signer.isPresent()) {
      sign(targets.pushResults(), attested, registry, signer.get());
    }
    // After the outputs, so that only the layers no step or output read are fetched for it.
    remote.keepImported(BuildCache.open(store));
    Written image = primary.orElse(null);
    List<String> pushed = targets.pushed();
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
        image == null ? Optional.empty() : Optional.of(image.config()),
        image == null ? Optional.empty() : Optional.of(image.mediaType()),
        image == null ? 0 : image.manifestSize(),
        names,
        pushed,
        executed,
        cached);
  }

  /**
   * What the first image output holds, for the result: an image, or an index of the image and its
   * attestations (whose digest is then the build's, as with buildx).
   */
  private record Written(
      Digest digest, String mediaType, long manifestSize, Digest config, long size) {
    static Written of(BuiltImage image) {
      return new Written(
          image.digest(),
          image.manifest().mediaType(),
          image.manifest().raw().size(),
          image.config().raw().digest(),
          image.size());
    }

    static Written of(BuiltIndex index, BuiltImage image) {
      return new Written(
          index.digest(),
          index.index().mediaType(),
          index.index().raw().size(),
          image.config().raw().digest(),
          index.size());
    }
  }

  private Optional<Signer> signer() throws IOException {
    if (request.sign().isEmpty()) {
      return Optional.empty();
    }
    SignSpec spec = request.sign().get();
    return Optional.of(SigningKeys.signer(spec.key(), spec.passwordEnv(), request.environment()));
  }

  /** The image an index output holds and the statements its attestation manifest carries. */
  private record Attested(Descriptor image, List<InTotoStatement> statements) {}

  /**
   * Signs each image pushed, once per repository (the signature is kept there, by digest), and
   * signs the attestations of an index as DSSE envelopes next to the image they are about.
   */
  private void sign(
      List<PushResult> pushes,
      Map<Digest, Attested> attested,
      RegistryAccess registry,
      Signer signer)
      throws IOException {
    ImageSignatures signatures = new ImageSignatures(registry.client());
    ImageAttestations envelopes = new ImageAttestations(registry.client());
    java.util.Set<ImageReference> done = new java.util.HashSet<>();
    for (PushResult push : pushes) {
      if (done.add(push.pushed())) {
        SignedImage signed = signatures.sign(push.pushed(), push.manifest(), signer);
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
        Attested a = attested.get(push.manifest().digest());
        if (a != null && !a.statements().isEmpty()) {
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

  /** The target stage and the stages it is built FROM: those whose layers are in the image. */
  private static java.util.Set<Integer> imageStages(BuildPlan plan) {
    java.util.Set<Integer> stages = new java.util.HashSet<>();
    Stage stage = plan.target();
    while (stage != null && stages.add(stage.index())) {
      stage =
          stage.base() instanceof dev.kiln.dockerfile.plan.StageBase.Stage s
              ? plan.stage(s.index())
              : null;
    }
    return stages;
  }

  /** Step numbers run through the stages in execution order: stage n starts after stage n-1's. */
  private static Map<Integer, Integer> stepOffsets(BuildPlan plan) {
    Map<Integer, Integer> offsets = new HashMap<>();
    int next = 0;
    for (Stage stage : plan.executionOrder()) {
      offsets.put(stage.index(), next);
      next += stage.instructions().size() + 1;
    }
    return offsets;
  }

  private Map<String, String> annotations(OutputSpec spec) {
    Map<String, String> all = new LinkedHashMap<>(request.annotations());
    all.putAll(spec.annotations());
    return all;
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
        options = options.withLevel(Math.max(1, level));
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
