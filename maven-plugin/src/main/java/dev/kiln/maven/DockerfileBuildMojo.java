package dev.kiln.maven;

import dev.kiln.api.Kiln;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.build.ImageBuilder;
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
import dev.kiln.registry.model.Compression;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The goals that build the project's Dockerfile ({@code build}, {@code buildTar}, {@code
 * buildLayout}): their shared parameters, turned into one {@link BuildRequest} for kiln's engine,
 * whose progress goes to Maven's log. Each goal adds only where the image goes.
 */
abstract class DockerfileBuildMojo extends KilnMojo {
  /** The Dockerfile. */
  @Parameter(property = "kiln.dockerfile", defaultValue = "${project.basedir}/Dockerfile")
  File dockerfile;

  /** The build context; {@code .dockerignore} in it (or next to the Dockerfile) is honoured. */
  @Parameter(property = "kiln.context", defaultValue = "${project.basedir}")
  File context;

  /**
   * Build arguments ({@code ARG}), one element per argument, e.g. an element {@code VERSION}
   * holding {@code ${project.version}}; an empty element takes the value from the environment. From
   * the command line: {@code -Dkiln.buildArg.NAME=value}.
   */
  @Parameter Map<String, String> buildArgs;

  /** The stage to build (default: the last one). */
  @Parameter(property = "kiln.target")
  String target;

  /** The target platform, e.g. {@code linux/arm64} (default: this machine's). */
  @Parameter(property = "kiln.platforms")
  List<String> platforms;

  /** Image labels. From the command line: {@code -Dkiln.label.NAME=value}. */
  @Parameter Map<String, String> labels;

  /** Manifest annotations. From the command line: {@code -Dkiln.annotation.NAME=value}. */
  @Parameter Map<String, String> annotations;

  /**
   * Annotations of the index, of descriptors, or of one platform's manifest, one element each in
   * the CLI's {@code --annotation} syntax: {@code index:KEY=VALUE}, {@code
   * manifest[linux/arm64]:KEY=VALUE}, {@code manifest-descriptor:KEY=VALUE}, {@code
   * index-descriptor:KEY=VALUE}, or several types at once ({@code index,manifest:KEY=VALUE}). A
   * plain {@code KEY=VALUE} goes on every manifest, as in {@code annotations}.
   */
  @Parameter List<String> typedAnnotations;

  /**
   * Clamp file times and set the image's creation time to this (seconds since 1970, or ISO-8601).
   * Default: {@code outputTimestamp}, else the {@code SOURCE_DATE_EPOCH} environment variable.
   */
  @Parameter(property = "kiln.sourceDateEpoch")
  String sourceDateEpoch;

  /** Maven's reproducible-builds timestamp, the default for {@code sourceDateEpoch}. */
  @Parameter(defaultValue = "${project.build.outputTimestamp}")
  String outputTimestamp;

  /** Import build cache: {@code type=registry,ref=REF} or {@code type=local,src=DIR}. */
  @Parameter(property = "kiln.cacheFrom")
  List<String> cacheFrom;

  /**
   * Export build cache: {@code type=registry,ref=REF[,mode=max]} or {@code type=local,dest=DIR}.
   */
  @Parameter(property = "kiln.cacheTo")
  List<String> cacheTo;

  /** Do not use the build cache. */
  @Parameter(property = "kiln.noCache", defaultValue = "false")
  boolean noCache;

  /**
   * When base images are resolved in their registry, as {@code kiln build --pull=POLICY}: {@code
   * always} (or {@code true}), {@code missing}, {@code never}; unset, images {@code kiln pull}
   * stored are checked against their tag and used as stored when the registry does not answer.
   */
  @Parameter(property = "kiln.pull")
  String pull;

  /**
   * Privileges RUN steps may use, with buildx's names ({@code --allow}): {@code network.host} for
   * {@code RUN --network=host}, {@code security.insecure} for {@code RUN --security=insecure}
   * (every capability and the host's devices). Without it such a step fails the build before
   * anything runs. From the command line: {@code -Dkiln.allow=security.insecure}.
   */
  @Parameter(property = "kiln.allow")
  List<String> allow;

  /**
   * Attach an SPDX 2.3 SBOM of the image's packages as an in-toto attestation, as BuildKit stores
   * them (the pushed or written image becomes an index with an attestation manifest).
   */
  @Parameter(property = "kiln.sbom", defaultValue = "false")
  boolean sbom;

  /**
   * Attach SLSA provenance v1: {@code true} or {@code mode=min}, {@code mode=max} (adds build
   * arguments and the Dockerfile; never secret values), optionally {@code ,builder-id=URI}.
   */
  @Parameter(property = "kiln.provenance")
  String provenance;

  /**
   * Sign the pushed image with this private key, in cosign's format ({@code kiln key generate} or
   * {@code cosign generate-key-pair}); {@code kiln:build} only, as signatures live in the registry.
   */
  @Parameter(property = "kiln.signingKey")
  File signingKey;

  /**
   * The environment variable holding an encrypted signing key's password (default: {@code
   * COSIGN_PASSWORD}); the password itself never goes in the POM.
   */
  @Parameter(property = "kiln.signingKeyPasswordEnv")
  String signingKeyPasswordEnv;

  /**
   * Secrets for {@code RUN --mount=type=secret}, in {@code --secret} syntax, one element each:
   * {@code id=npmrc,src=${user.home}/.npmrc} or {@code id=token,env=TOKEN}. Their values are read
   * when the step runs and never stored in a layer or the cache key. From the command line: {@code
   * -Dkiln.secret.ID=env=VAR} or {@code -Dkiln.secret.ID=src=FILE}.
   */
  @Parameter List<String> secrets;

  /**
   * SSH agents or keys for {@code RUN --mount=type=ssh}, in {@code --ssh} syntax: {@code default}
   * (the agent of {@code $SSH_AUTH_SOCK}) or {@code ID=PATH[,PATH…]}.
   */
  @Parameter(property = "kiln.ssh")
  List<String> ssh;

  /**
   * The network of RUN steps: {@code default}, {@code none}, or {@code host} (which grants the
   * {@code network.host} entitlement, as buildx does).
   */
  @Parameter(property = "kiln.network", defaultValue = "default")
  String network;

  /**
   * Lines for RUN's {@code /etc/hosts}, in {@code --add-host} syntax: {@code HOST:IP}, where IP may
   * be {@code host-gateway}.
   */
  @Parameter(property = "kiln.addHosts")
  List<String> addHosts;

  /** Resource limits of RUN's processes, in {@code --ulimit} syntax: {@code nofile=1024:2048}. */
  @Parameter(property = "kiln.ulimits")
  List<String> ulimits;

  /** The size of RUN's {@code /dev/shm}, as {@code --shm-size}: {@code 64m}, {@code 2g}. */
  @Parameter(property = "kiln.shmSize")
  String shmSize;

  /** Stages to build again even when the cache has them ({@code --no-cache-filter}). */
  @Parameter(property = "kiln.noCacheFilter")
  List<String> noCacheFilter;

  /** How RUN steps are isolated: {@code auto}, {@code oci} (runc) or {@code chroot}. */
  @Parameter(property = "kiln.isolation", defaultValue = "auto")
  String isolation;

  /** Layer compression: {@code gzip}, {@code zstd} or {@code uncompressed}. */
  @Parameter(property = "kiln.compression", defaultValue = "gzip")
  String compression;

  /**
   * The image's media types, as the CLI's {@code --format}: {@code oci}, or {@code docker} for
   * Docker's schema 2 (as Jib's {@code format=Docker}; podman runs a {@code HEALTHCHECK} only in
   * those). For {@code kiln:buildTar}, {@code docker} writes a {@code docker load} archive instead
   * of an OCI archive.
   */
  @Parameter(property = "kiln.format", defaultValue = "oci")
  String format;

  /** Run at most this many steps at once, as {@code --max-parallelism} (default: one per core). */
  @Parameter(property = "kiln.maxParallelism")
  Integer maxParallelism;

  /** The compression level (gzip 1-9, zstd 1-22; default: each one's own). */
  @Parameter(property = "kiln.compressionLevel")
  Integer compressionLevel;

  /**
   * Give every layer, the base image's included, {@code compression} (and {@code
   * compressionLevel}), recompressing those that differ, as {@code -o force-compression=true};
   * otherwise base layers keep the compression their registry gave them.
   */
  @Parameter(property = "kiln.forceCompression", defaultValue = "false")
  boolean forceCompression;

  /**
   * More outputs, besides the goal's own, one element each in {@code kiln build -o} syntax: {@code
   * type=local,dest=${project.build.directory}/rootfs}, or {@code
   * type=oci,dest=…,annotation-index.KEY=VALUE}. From the command line: {@code -Dkiln.output=SPEC}
   * adds one.
   */
  @Parameter List<String> outputs;

  /**
   * Named contexts for {@code FROM NAME}, {@code COPY --from=NAME} and {@code RUN
   * --mount=from=NAME}, one element each in {@code --build-context} syntax: {@code
   * libs=${project.build.directory}/dependency}, {@code base=docker-image://REF} or {@code
   * base=oci-layout://DIR[:TAG]}; relative directories are the project's. From the command line:
   * {@code -Dkiln.buildContext.NAME=VALUE}.
   */
  @Parameter List<String> buildContexts;

  /** The engine; tests replace it. */
  ImageBuilder builder = new Kiln();

  /** The names the image is stored or pushed under. */
  abstract List<String> imageNames() throws MojoFailureException;

  /** Where the image goes. */
  abstract OutputSpec output();

  /** What the goal does with a finished build besides recording its digest. */
  void afterBuild(BuildResult result) throws MojoExecutionException {}

  /** Whether the goal only runs the build checks ({@code --check}), building nothing. */
  boolean checkOnly() {
    return false;
  }

  @Override
  final void run() throws MojoExecutionException, MojoFailureException {
    BuildRequest request = request();
    BuildResult result;
    int[] warnings = {0};
    BuildListener log = new MavenLogProgress(getLog());
    try {
      result =
          builder.build(
              request,
              event -> {
                if (event instanceof BuildEvent.Warning) {
                  warnings[0]++;
                }
                log.on(event);
              });
    } catch (BuildFailure f) {
      FailureReport.rethrow(f);
      return;
    } catch (RequestException e) {
      throw FailureReport.of(e);
    }
    if (request.checkOnly()) {
      // As kiln build --check: the warnings were logged as they came; a count, and a failure if
      // there was any.
      if (warnings[0] > 0) {
        throw FailureReport.usage(
            "Check complete, "
                + warnings[0]
                + (warnings[0] == 1 ? " warning" : " warnings")
                + " found.",
            "fix them, or skip a rule with a '# check=skip=RULE' line at the Dockerfile's top");
      }
      getLog().info("Check complete, no warnings found.");
      return;
    }
    record(result);
    afterBuild(result);
  }

  /** The request this execution's parameters describe; visible for tests. */
  final BuildRequest request() throws MojoFailureException {
    if (!dockerfile.isFile()) {
      throw new MojoFailureException(
          "no Dockerfile at "
              + dockerfile
              + "\nhint: add one, or point <dockerfile> (-Dkiln.dockerfile=…) at it");
    }
    if (!context.isDirectory()) {
      throw new MojoFailureException(
          "the build context "
              + context
              + " is not a directory\nhint: point <context> (-Dkiln.context=…) at one");
    }
    Map<String, String> environment = System.getenv();
    try {
      BuildRequest.Builder b =
          BuildRequest.builder(context.toPath())
              .dockerfile(dockerfile.toPath())
              .environment(environment);
      for (Map.Entry<String, String> arg : merged(buildArgs, "kiln.buildArg.").entrySet()) {
        // As docker does: an argument without a value comes from the environment, if set there.
        String value = arg.getValue() != null ? arg.getValue() : environment.get(arg.getKey());
        if (value != null) {
          b.buildArg(arg.getKey(), value);
        }
      }
      if (target != null && !target.isBlank()) {
        b.target(target.trim());
      }
      if (platforms != null) {
        platforms.forEach(b::platform);
      }
      merged(labels, "kiln.label.").forEach((k, v) -> b.label(k, v == null ? "" : v));
      merged(annotations, "kiln.annotation.")
          .forEach((k, v) -> b.annotation(k, v == null ? "" : v));
      if (typedAnnotations != null) {
        // The CLI's own parser: the same syntax, checks and messages as --annotation.
        typedAnnotations.forEach(a -> ImageAnnotation.parseFlag(a.trim()).forEach(b::annotation));
      }
      List<String> names = imageNames();
      names.forEach(b::tag);
      b.output(output());
      b.checkOnly(checkOnly());
      for (String spec : extraOutputs()) {
        b.output(OutputSpecParser.parse(spec));
      }
      for (String spec : buildContextSpecs()) {
        b.buildContext(inProject(NamedContext.parse(spec)));
      }
      if (cacheFrom != null) {
        cacheFrom.forEach(s -> b.cacheFrom(CacheSpec.parse(s, false)));
      }
      if (cacheTo != null) {
        cacheTo.forEach(s -> b.cacheTo(CacheSpec.parse(s, true)));
      }
      b.noCache(noCache);
      if (pull != null && !pull.isBlank()) {
        b.pull(dev.kiln.api.request.PullPolicy.parse(pull));
      }
      if (allow != null) {
        allow.forEach(b::allow);
      }
      if (sbom) {
        b.attest(AttestationSpec.sbom("true").orElseThrow());
      }
      if (provenance != null && !provenance.isBlank()) {
        AttestationSpec.provenance(provenance).ifPresent(b::attest);
      }
      if (signingKey != null) {
        b.sign(
            new SignSpec(
                signingKey.toPath(),
                Optional.ofNullable(signingKeyPasswordEnv).filter(v -> !v.isBlank())));
      }
      if (secrets != null) {
        secrets.forEach(spec -> b.secret(SecretSpec.parse(spec)));
      }
      prefixed("kiln.secret.")
          .forEach((id, rest) -> b.secret(SecretSpec.parse("id=" + id + "," + rest)));
      if (ssh != null) {
        ssh.forEach(spec -> b.ssh(SshSpec.parse(spec)));
      }
      if (noCacheFilter != null) {
        noCacheFilter.forEach(b::noCacheFilter);
      }
      b.network(network == null || network.isBlank() ? "default" : network.trim());
      if (addHosts != null) {
        addHosts.forEach(h -> b.addHost(h.trim()));
      }
      if (ulimits != null) {
        ulimits.forEach(u -> b.ulimit(u.trim()));
      }
      if (shmSize != null && !shmSize.isBlank()) {
        b.shmSize(shmSize);
      }
      b.isolation(isolation == null || isolation.isBlank() ? "auto" : isolation.trim());
      if (maxParallelism != null) {
        b.maxParallelism(maxParallelism);
      }
      epoch(environment).ifPresent(b::sourceDateEpoch);
      insecureRegistries().forEach(b::insecureRegistry);
      credentialsOverPlainHttp().forEach(b::plainHttpCredentials);
      if (cacheDir != null) {
        b.cacheDir(cacheDir.toPath());
      }
      registryLogins(names.isEmpty() ? null : names.get(0)).forEach(b::registryLogin);
      return b.build();
    } catch (RequestException e) {
      throw FailureReport.of(e);
    }
  }

  private List<String> extraOutputs() {
    List<String> all = new ArrayList<>();
    if (outputs != null) {
      outputs.stream().filter(o -> o != null && !o.isBlank()).map(String::trim).forEach(all::add);
    }
    String fromCommandLine = session.getUserProperties().getProperty("kiln.output");
    if (fromCommandLine != null && !fromCommandLine.isBlank()) {
      all.add(fromCommandLine.trim());
    }
    return all;
  }

  private List<String> buildContextSpecs() {
    List<String> all = new ArrayList<>();
    if (buildContexts != null) {
      buildContexts.stream()
          .filter(c -> c != null && !c.isBlank())
          .map(String::trim)
          .forEach(all::add);
    }
    prefixed("kiln.buildContext.").forEach((name, value) -> all.add(name + "=" + value));
    return all;
  }

  /** A named context's relative directory, resolved against the project rather than Maven's. */
  private NamedContext inProject(NamedContext named) {
    Path base = project.getBasedir().toPath();
    if (named instanceof NamedContext.Directory d) {
      return new NamedContext.Directory(d.name(), base.resolve(d.dir()));
    }
    if (named instanceof NamedContext.OciLayout l) {
      return new NamedContext.OciLayout(l.name(), base.resolve(l.dir()), l.selector());
    }
    return named;
  }

  /**
   * {@code sourceDateEpoch}, else {@code project.build.outputTimestamp}, else {@code
   * SOURCE_DATE_EPOCH}: the first that is set wins, and the log says which.
   */
  private Optional<Long> epoch(Map<String, String> environment) throws MojoFailureException {
    String[][] candidates = {
      {"sourceDateEpoch", sourceDateEpoch},
      {"project.build.outputTimestamp", outputTimestamp},
      {"SOURCE_DATE_EPOCH", environment.get("SOURCE_DATE_EPOCH")}
    };
    for (String[] candidate : candidates) {
      Optional<Long> seconds;
      try {
        seconds = OutputTimestamp.epochSeconds(candidate[1]);
      } catch (IllegalArgumentException e) {
        throw new MojoFailureException(candidate[0] + ": " + e.getMessage(), e);
      }
      if (seconds.isPresent()) {
        getLog().info("kiln: SOURCE_DATE_EPOCH=" + seconds.get() + " (from " + candidate[0] + ")");
        return seconds;
      }
    }
    return Optional.empty();
  }

  private Map<String, String> merged(Map<String, String> configured, String propertyPrefix) {
    Map<String, String> all = new LinkedHashMap<>();
    if (configured != null) {
      all.putAll(configured);
    }
    all.putAll(prefixed(propertyPrefix));
    return all;
  }

  /** The image's name when it is only written to a file: {@code image}, else artifactId:version. */
  final List<String> namesOrProjectDefault() throws MojoFailureException {
    String name = imageName();
    if (name == null) {
      String repository = project.getArtifactId().toLowerCase(Locale.ROOT);
      String tag = project.getVersion().replaceAll("[^\\w.-]", "_");
      name = repository + ":" + tag;
    }
    return names(name);
  }

  final OutputSpec fileOutput(OutputSpec.Type type, Path dest, boolean ociMediaTypes) {
    return imageOutput(type, Optional.of(dest), false, ociMediaTypes, false);
  }

  /** The goal's own output, with the compression parameters. */
  final OutputSpec imageOutput(
      OutputSpec.Type type,
      Optional<Path> dest,
      boolean push,
      boolean ociMediaTypes,
      boolean alsoStored) {
    return new OutputSpec(
        type,
        dest,
        List.of(),
        push,
        compression(),
        Optional.ofNullable(compressionLevel),
        ociMediaTypes,
        Map.of(),
        forceCompression,
        !push || alsoStored,
        false,
        List.of());
  }

  /** Whether {@code format} asks for OCI media types (true) or Docker's (false). */
  final boolean ociMediaTypes() {
    String kind = format == null ? "oci" : format.trim().toLowerCase(Locale.ROOT);
    return switch (kind) {
      case "oci" -> true;
      case "docker" -> false;
      default ->
          throw new RequestException(
              "<format> '" + format + "' is not an image format kiln writes",
              "use oci (OCI media types) or docker (Docker's, and a docker load archive for"
                  + " kiln:buildTar)");
    };
  }

  /** {@code compression} as kiln's {@link Compression}. */
  final Compression compression() {
    String label = compression == null ? "gzip" : compression.trim().toLowerCase(Locale.ROOT);
    return Compression.ofLabel(label)
        .orElseThrow(
            () ->
                new RequestException(
                    "<compression> '" + compression + "' is not a compression kiln writes",
                    "use gzip, zstd or uncompressed"));
  }
}
