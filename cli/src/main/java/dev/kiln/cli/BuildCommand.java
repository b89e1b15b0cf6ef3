package dev.kiln.cli;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildMetadataFile;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.CacheSpec;
import dev.kiln.api.request.ImageAnnotation;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.api.request.RequestException;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.api.request.SignSpec;
import dev.kiln.api.request.SshSpec;
import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.cli.progress.ProgressMode;
import dev.kiln.cli.shell.OptionValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln build}: buildx's flags, with buildx's meanings. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Build an image from a Dockerfile and a context directory.",
      "With no --output, --push or -t the image goes to the local store and its digest is printed."
    })
public final class BuildCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public BuildCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "CONTEXT",
      defaultValue = ".",
      description =
          "Build context: a directory, - for a tar on stdin, a git URL (https://host/repo.git#ref:dir)"
              + " or an http(s) URL of a tar (default: ${DEFAULT-VALUE}).")
  String context;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Dockerfile to use; - reads it from stdin (default: CONTEXT/Dockerfile).")
  String file;

  @Option(
      names = {"-t", "--tag"},
      paramLabel = "NAME[:TAG]",
      description = "Name the image; repeatable (default: none).")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--build-arg",
      paramLabel = "KEY[=VALUE]",
      description =
          "Set a build argument; KEY alone takes the value from the environment (default: none).")
  List<String> buildArgs = new ArrayList<>();

  @Option(
      names = "--build-arg-file",
      paramLabel = "FILE",
      description = "Read build arguments from a file of KEY=VALUE lines (default: none).")
  List<Path> buildArgFiles = new ArrayList<>();

  @Option(
      names = "--target",
      paramLabel = "STAGE",
      description = "Build this stage instead of the last one (default: the last stage).")
  String target;

  @Option(
      names = "--platform",
      completionCandidates = OptionValues.Platforms.class,
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "Target platform(s), comma-separated or repeated (default: this machine's).")
  List<String> platforms = new ArrayList<>();

  @Option(
      names = "--label",
      paramLabel = "KEY=VALUE",
      description = "Add an image label; repeatable (default: none).")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--annotation",
      paramLabel = "KEY=VALUE",
      description =
          "Add an annotation, KEY=VALUE to each manifest, or TYPE[,TYPE][[PLATFORM]]:KEY=VALUE with"
              + " TYPE manifest, index, manifest-descriptor or index-descriptor; repeatable"
              + " (default: none).")
  List<String> annotations = new ArrayList<>();

  @Option(
      names = "--push",
      description =
          "Push the image to the registries named by -t, as --output type=registry (default: off).")
  boolean push;

  @Option(
      names = "--load",
      description =
          "Also keep the image in kiln's local store; there is no daemon to load into (default: off).")
  boolean load;

  @Option(
      names = {"-o", "--output"},
      completionCandidates = OptionValues.BuildOutputs.class,
      paramLabel = "SPEC",
      description = {
        "Where the result goes, repeatable (default: the local store).",
        "  type=registry|image|oci|docker|local|tar,dest=…,name=…,compression=gzip|zstd|uncompressed,",
        "  compression-level=N,force-compression=true,oci-mediatypes=true|false,tar=true|false,",
        "  store=true|false,rewrite-timestamp=true,annotation[-TYPE][[PLATFORM]].KEY=VALUE;",
        "  DIR alone = type=local,dest=DIR; - = a tar of the files on stdout."
      })
  List<String> outputs = new ArrayList<>();

  @Option(
      names = "--format",
      completionCandidates = OptionValues.MediaTypes.class,
      paramLabel = "oci|docker",
      description = {
        "Media types of the image outputs, as buildah's --format: docker is oci-mediatypes=false",
        "  for every image output that does not say (podman runs a HEALTHCHECK only in those)",
        "  (default: oci; type=docker archives are docker already)."
      })
  String format;

  @Option(
      names = "--cache-from",
      paramLabel = "SPEC",
      description =
          "Import build cache: type=registry,ref=REF or type=local,src=DIR (default: none).")
  List<String> cacheFrom = new ArrayList<>();

  @Option(
      names = "--cache-to",
      paramLabel = "SPEC",
      description =
          "Export build cache: type=registry,ref=REF[,mode=max] or type=local,dest=DIR (default: none).")
  List<String> cacheTo = new ArrayList<>();

  @Option(names = "--no-cache", description = "Do not use the build cache (default: off).")
  boolean noCache;

  @Option(
      names = "--pull",
      paramLabel = "POLICY",
      preprocessor = PullValue.class,
      description = {
        "Resolve every base image in its registry, failing if it does not answer (default: off:",
        "  images kiln pull stored are checked with one HEAD and used as stored when offline).",
        "  --pull=missing uses stored images unchecked; --pull=never never asks a registry."
      })
  String pull;

  @Option(
      names = "--no-cache-filter",
      paramLabel = "STAGE",
      description = "Do not use the build cache for these stages; repeatable (default: none).")
  List<String> noCacheFilter = new ArrayList<>();

  @Option(
      names = "--secret",
      paramLabel = "id=ID[,src=FILE|env=VAR]",
      description = "Expose a secret to RUN --mount=type=secret; repeatable (default: none).")
  List<String> secrets = new ArrayList<>();

  @Option(
      names = "--ssh",
      paramLabel = "default|ID[=SOCKET|KEY[,KEY...]]",
      description =
          "Expose an SSH agent to RUN --mount=type=ssh: its socket, or private key files served"
              + " by ssh-agent for the step; an ID alone forwards $SSH_AUTH_SOCK; repeatable"
              + " (default: none).")
  List<String> ssh = new ArrayList<>();

  @Option(
      names = "--network",
      completionCandidates = OptionValues.Networks.class,
      paramLabel = "NETWORK",
      defaultValue = "default",
      description = "Network for RUN: default, host or none (default: ${DEFAULT-VALUE}).")
  String network;

  @Option(
      names = "--add-host",
      paramLabel = "HOST:IP",
      description =
          "Add a line to RUN's /etc/hosts; IP may be host-gateway (the host, 127.0.0.1 for kiln's"
              + " host-network steps); repeatable (default: none).")
  List<String> addHosts = new ArrayList<>();

  @Option(
      names = "--allow",
      completionCandidates = OptionValues.Entitlements.class,
      paramLabel = "ENTITLEMENT",
      description = {
        "Let RUN steps use a privilege, comma-separated or repeated (default: none):",
        "  network.host for RUN --network=host (implied by --network=host),",
        "  security.insecure for RUN --security=insecure (every capability, host devices)."
      })
  List<String> allow = new ArrayList<>();

  @Option(
      names = "--isolation",
      completionCandidates = OptionValues.Isolations.class,
      paramLabel = "ISOLATION",
      defaultValue = "auto",
      description = "Sandbox for RUN: auto, oci (runc/crun) or chroot (default: ${DEFAULT-VALUE}).")
  String isolation;

  @Option(
      names = "--build-context",
      paramLabel = "NAME=DIR|docker-image://REF|oci-layout://DIR",
      description = "An extra named context for FROM/COPY --from; repeatable (default: none).")
  List<String> buildContexts = new ArrayList<>();

  @Option(
      names = "--iidfile",
      paramLabel = "FILE",
      description = "Write the image digest to FILE (default: none).")
  Path iidFile;

  @Option(
      names = "--metadata-file",
      paramLabel = "FILE",
      description = "Write build metadata as JSON, with buildx's keys (default: none).")
  Path metadataFile;

  @Option(
      names = "--progress",
      completionCandidates = OptionValues.Progress.class,
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "Progress output: auto, tty, plain, rawjson or quiet (default: ${DEFAULT-VALUE}).")
  String progress;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only the image digest, no progress (default: off).")
  boolean quiet;

  @Option(
      names = "--source-date-epoch",
      paramLabel = "SECONDS",
      description =
          "Clamp file times and set created to this time (default: $SOURCE_DATE_EPOCH if set).")
  Long sourceDateEpoch;

  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST[:PORT]",
      description =
          "Allow plain HTTP / unverified TLS for this registry, and credentials over plain HTTP;"
              + " repeatable (default: only localhost, without credentials).")
  List<String> insecureRegistries = new ArrayList<>();

  @Option(
      names = "--max-parallelism",
      paramLabel = "N",
      description = "Run at most N steps at once (default: one per CPU core).")
  Integer maxParallelism;

  @Option(
      names = "--ulimit",
      paramLabel = "NAME=SOFT[:HARD]",
      description =
          "Resource limit of RUN's processes, e.g. nofile=1024:2048 (-1: unlimited); repeatable"
              + " (default: kiln's own limits).")
  List<String> ulimits = new ArrayList<>();

  @Option(
      names = "--shm-size",
      paramLabel = "BYTES",
      description = "Size of RUN's /dev/shm, e.g. 64m or 2g (default: 64m).")
  String shmSize;

  @Option(
      names = "--cgroup-parent",
      paramLabel = "CGROUP",
      description =
          "Accepted for buildx compatibility, but not applied: kiln creates no cgroup of its own;"
              + " RUN steps stay in the one kiln runs in (default: none).")
  String cgroupParent;

  @Option(
      names = "--check",
      description =
          "Run the build checks only, as --call=check: print their warnings, build nothing, exit 1"
              + " if any (default: off).")
  boolean check;

  @Option(
      names = "--call",
      paramLabel = "build|check",
      defaultValue = "build",
      description =
          "What to do with the Dockerfile: build it, or check it (default: ${DEFAULT-VALUE}).")
  String call;

  @Mixin StoreLocation location = new StoreLocation();

  @Option(
      names = "--sbom",
      paramLabel = "true|false",
      description =
          "Attach an SPDX 2.3 SBOM of the image's packages (dpkg, apk, jars, npm, Python) as an"
              + " in-toto attestation, as BuildKit stores them (default: false).")
  String sbom;

  @Option(
      names = "--provenance",
      paramLabel = "true|false|mode=min|max",
      description =
          "Attach SLSA provenance v1 as an in-toto attestation; true means mode=min, max adds the"
              + " build args and the Dockerfile (default: false).")
  String provenance;

  @Option(
      names = "--attest",
      paramLabel = "type=sbom|provenance[,mode=…]",
      description = "An attestation, in buildx's long form; repeatable (default: none).")
  List<String> attest = new ArrayList<>();

  @Option(
      names = "--sign",
      paramLabel = "key=FILE[,password-env=VAR]",
      description =
          "Sign each pushed image with this private key in cosign's format; needs --push; an"
              + " encrypted key's password comes from $VAR, else $COSIGN_PASSWORD (default: not"
              + " signed).")
  String sign;

  @Option(
      names = "--debug",
      description =
          "Show stack traces for errors, and the notes on how RUN runs (sandbox, snapshotter) on"
              + " every build, not only the first time this store sees them (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try {
      return build();
    } finally {
      if (stdinContext != null) {
        try {
          stdinContext.close();
        } catch (IOException e) {
          cli.stderr().println("warning: could not delete " + stdinContext.dir() + ": " + e);
        }
      }
      if (urlContext != null) {
        try {
          urlContext.close();
        } catch (IOException e) {
          cli.stderr().println("warning: could not delete " + urlContext.root() + ": " + e);
        }
      }
    }
  }

  private Integer build() {
    BuildRequest request;
    ProgressMode mode;
    try {
      request = request();
      mode = quiet ? ProgressMode.QUIET : ProgressMode.parse(progress);
    } catch (RequestException e) {
      return ErrorReport.print(e, cli, debug);
    } catch (IOException e) {
      return ErrorReport.print(
          new RequestException(e.getMessage(), "check that the file exists and is readable"),
          cli,
          debug);
    }
    RunOptionsNotice.say(cgroupParent, cli.stderr());
    try (ProgressDisplay display =
        ProgressDisplay.open(mode, cli.stderr(), cli.stderrIsTerminal(), cli.env())) {
      BuildResult result;
      int[] warnings = {0};
      try {
        BuildListener shown = display.listener();
        result =
            cli.engine()
                .get()
                .build(
                    request,
                    event -> {
                      if (event instanceof BuildEvent.Warning) {
                        warnings[0]++;
                      }
                      shown.on(event);
                    });
      } finally {
        display.close(); // the live view ends before anything else is printed
      }
      if (request.checkOnly()) {
        // buildx's --check: the warnings were printed as they came; a count, and 1 if any.
        cli.stderr()
            .println(
                warnings[0] == 0
                    ? "Check complete, no warnings found."
                    : "Check complete, "
                        + warnings[0]
                        + (warnings[0] == 1 ? " warning" : " warnings")
                        + " found.");
        return warnings[0] == 0 ? ExitCode.OK : ExitCode.BUILD_FAILED;
      }
      if (request.iidFile().isPresent()) {
        BuildMetadataFile.writeIid(request.iidFile().get(), result);
      }
      if (request.metadataFile().isPresent()) {
        BuildMetadataFile.writeMetadata(request.metadataFile().get(), result);
      }
      boolean tarOnStdout =
          request.outputs().stream()
              .anyMatch(o -> o.dest().map(d -> d.toString().equals("-")).orElse(false));
      if (!tarOnStdout) {
        result.imageDigest().ifPresent(d -> cli.stdout().println(d));
      }
      return ExitCode.OK;
    } catch (BuildFailure | IOException | RuntimeException e) {
      return ErrorReport.print(e, cli, debug);
    }
  }

  /** The context read from stdin ({@code -}), deleted when the build ends. */
  private StdinContext stdinContext;

  /** The context fetched from a git or http(s) URL, deleted when the build ends. */
  private UrlContext urlContext;

  /** {@code -f FILE} inside a fetched context; a path that leaves it is an error. */
  private static Path insideContext(Path contextDir, String file) {
    Path dockerfile = contextDir.resolve(file).normalize();
    if (!dockerfile.startsWith(contextDir)) {
      throw new RequestException(
          "-f " + file + " leaves the context fetched from the URL",
          "with a URL context, -f names a file inside it (e.g. -f docker/Dockerfile)");
    }
    return dockerfile;
  }

  /** buildx's {@code BUILDKIT_CONTEXT_KEEP_GIT_DIR} build argument: keep a git context's .git. */
  private boolean keepGitDir() {
    boolean keep = false;
    for (String arg : buildArgs) {
      if (arg.startsWith("BUILDKIT_CONTEXT_KEEP_GIT_DIR=")) {
        String value = arg.substring(arg.indexOf('=') + 1).strip();
        keep = value.equals("1") || value.equalsIgnoreCase("true");
      }
    }
    return keep;
  }

  /** Turns the parsed flags into a request; visible for the flag tests. */
  BuildRequest request() throws IOException {
    Path contextDir = Path.of(context);
    byte[] stdinDockerfile = null;
    if (context.equals("-")) {
      if ("-".equals(file)) {
        throw new RequestException(
            "the context and the Dockerfile cannot both be read from stdin (- and -f -)",
            "give the context as a directory, or put the Dockerfile in the tar on stdin");
      }
      stdinContext = StdinContext.read(cli.stdin());
      contextDir = stdinContext.dir();
      stdinDockerfile = stdinContext.dockerfile();
    } else if (UrlContext.isUrl(context) && !Files.isDirectory(contextDir)) {
      urlContext = UrlContext.open(context, cli.env(), keepGitDir());
      contextDir = urlContext.dir();
      stdinDockerfile = urlContext.dockerfile();
    }
    boolean fetched = stdinContext != null || urlContext != null;
    BuildRequest.Builder b = BuildRequest.builder(contextDir).environment(cli.env());
    if (stdinDockerfile != null) {
      b.dockerfileContent(stdinDockerfile);
    }
    ulimits.forEach(b::ulimit);
    if (shmSize != null) {
      b.shmSize(shmSize);
    }
    b.checkOnly(checkOnly());
    if (file != null) {
      if (file.equals("-")) {
        b.dockerfileContent(cli.stdin().readAllBytes());
      } else {
        // With a context from stdin or a URL, -f names a file in it, as in buildx.
        b.dockerfile(fetched ? insideContext(contextDir, file) : Path.of(file));
      }
    }
    if (fetched) {
      FetchedContextFiles.check(contextDir, file == null || file.equals("-") ? null : file);
    }
    for (Path argFile : buildArgFiles) {
      for (String line : Files.readAllLines(argFile, StandardCharsets.UTF_8)) {
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          buildArg(b, trimmed);
        }
      }
    }
    for (String arg : buildArgs) {
      buildArg(b, arg);
    }
    if (target != null) {
      b.target(target);
    }
    platforms.forEach(b::platform);
    tags.forEach(b::tag);
    for (String label : labels) {
      String[] kv = keyValue(label, "--label");
      b.label(kv[0], kv[1]);
    }
    for (String annotation : annotations) {
      ImageAnnotation.parseFlag(annotation).forEach(b::annotation);
    }
    boolean cacheOnly = false;
    for (String output : outputs) {
      if (OutputSpecParser.isCacheOnly(output)) {
        cacheOnly = true; // buildx's type=cacheonly: build (and export the cache), write no image
      } else {
        b.output(withFormat(output, OutputSpecParser.parse(output)));
      }
    }
    if (push) {
      b.output(withFormat("", OutputSpecParser.parse("type=registry")));
    }
    if (load || (outputs.isEmpty() && !push && !cacheOnly)) {
      b.output(withFormat("", OutputSpecParser.parse("type=image")));
    }
    cacheFrom.forEach(s -> b.cacheFrom(CacheSpec.parse(s, false)));
    cacheTo.forEach(s -> b.cacheTo(CacheSpec.parse(s, true)));
    b.noCache(noCache);
    if (pull != null) {
      b.pull(dev.kiln.api.request.PullPolicy.parse(pull));
    }
    b.debug(debug);
    noCacheFilter.forEach(b::noCacheFilter);
    secrets.forEach(s -> b.secret(SecretSpec.parse(s)));
    ssh.forEach(s -> b.ssh(SshSpec.parse(s)));
    b.network(network);
    addHosts.forEach(b::addHost);
    allow.forEach(b::allow);
    b.isolation(isolation);
    buildContexts.forEach(s -> b.buildContext(NamedContext.parse(s)));
    Long epoch = sourceDateEpoch != null ? sourceDateEpoch : envEpoch(cli.env());
    if (epoch != null) {
      b.sourceDateEpoch(epoch);
    }
    // As for push, pull and login (RegistryOptions): naming a registry insecure also lets
    // credentials travel to it over plain HTTP, as Docker's insecure-registries does.
    insecureRegistries.forEach(b::insecureRegistry);
    insecureRegistries.forEach(b::plainHttpCredentials);
    if (maxParallelism != null) {
      b.maxParallelism(maxParallelism);
    }
    // Resolved here, from kiln's environment, so that build, push, pull and tag agree on the store.
    b.cacheDir(location.resolve(cli));
    if (iidFile != null) {
      b.iidFile(iidFile);
    }
    if (metadataFile != null) {
      b.metadataFile(metadataFile);
    }
    if (sign != null) {
      b.sign(SignSpec.parse(sign));
    }
    for (String a : attest) {
      AttestationSpec.attest(a).ifPresent(b::attest);
    }
    if (sbom != null) {
      AttestationSpec.sbom(sbom)
          .ifPresentOrElse(b::attest, () -> b.noAttestation(AttestationSpec.Type.SBOM));
    }
    if (provenance != null) {
      AttestationSpec.provenance(provenance)
          .ifPresentOrElse(b::attest, () -> b.noAttestation(AttestationSpec.Type.PROVENANCE));
    }
    BuildRequest request = b.build();
    boolean pushes = request.outputs().stream().anyMatch(OutputSpec::push);
    boolean named =
        !request.tags().isEmpty() || request.outputs().stream().anyMatch(o -> !o.names().isEmpty());
    if (pushes && !named) {
      throw new RequestException(
          "--push needs a name to push to", "add -t registry.example/app:tag");
    }
    return request;
  }

  /** {@code --check}, or {@code --call=check}; the other calls buildx knows are refused. */
  private boolean checkOnly() {
    String c = call.trim();
    if (c.equals("build")) {
      return check;
    }
    if (c.equals("check") || c.startsWith("check,")) {
      return true;
    }
    throw new RequestException(
        "--call=" + call + " is not supported",
        "kiln can --call=build (the default) or --call=check; buildx's outline, targets and"
            + " subrequests.describe print a Dockerfile's arguments and stages, which kiln does not"
            + " offer yet (try kiln debug plan)");
  }

  private void buildArg(BuildRequest.Builder b, String arg) {
    int eq = arg.indexOf('=');
    if (eq < 0) {
      // As docker does: KEY alone takes the value from kiln's environment, and is skipped if unset.
      String value = cli.env().get(arg);
      if (value != null) {
        b.buildArg(arg, value);
      }
    } else {
      b.buildArg(arg.substring(0, eq), arg.substring(eq + 1));
    }
  }

  /**
   * {@code spec} with the media types {@code --format} asks for, unless its text says {@code
   * oci-mediatypes=} itself (an explicit output option wins, as in buildx).
   */
  private OutputSpec withFormat(String text, OutputSpec spec) {
    if (format == null || !spec.isImage() || text.contains("oci-mediatypes=")) {
      return spec;
    }
    return switch (format) {
      case "oci" -> spec;
      case "docker" -> spec.withOciMediaTypes(false);
      default ->
          throw new RequestException(
              "unknown --format " + format,
              "use --format oci (OCI media types) or --format docker (Docker's, oci-mediatypes=false)");
    };
  }

  private static String[] keyValue(String text, String flag) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new RequestException(
          flag + " '" + text + "' is not KEY=VALUE",
          "e.g. " + flag + " org.opencontainers.image.source=https://…");
    }
    return new String[] {text.substring(0, eq), text.substring(eq + 1)};
  }

  private static Long envEpoch(Map<String, String> env) {
    String value = env.get("SOURCE_DATE_EPOCH");
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new RequestException(
          "SOURCE_DATE_EPOCH='" + value + "' is not a number of seconds",
          "e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)");
    }
  }

  /**
   * {@code --pull} alone means {@code always} (buildx's boolean flag) and never takes the context
   * that follows it; a policy is attached: {@code --pull=missing}.
   */
  static final class PullValue implements picocli.CommandLine.IParameterPreprocessor {
    @Override
    public boolean preprocess(
        java.util.Stack<String> args,
        picocli.CommandLine.Model.CommandSpec commandSpec,
        picocli.CommandLine.Model.ArgSpec argSpec,
        java.util.Map<String, Object> info) {
      if (!"=".equals(info.get("separator"))) {
        args.push("always");
      }
      return false;
    }
  }
}
