package dev.kiln.gradle.engine;

import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.CacheSpec;
import dev.kiln.api.request.ImageAnnotation;
import dev.kiln.api.request.ImageNames;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.api.request.PullPolicy;
import dev.kiln.api.request.RegistryLogin;
import dev.kiln.api.request.RequestException;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.api.request.SignSpec;
import dev.kiln.api.request.SourceDateEpoch;
import dev.kiln.api.request.SshSpec;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.reference.ImageReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A build task's job turned into kiln's {@link BuildRequest}: the Dockerfile and context, build
 * arguments, platforms, labels, cache, secrets, entitlements, registries and credentials, and the
 * task's own output (a push, a tar or a layout) plus any extra {@code outputs}.
 */
final class JobRequest {
  private JobRequest() {}

  /**
   * @throws RequestException for a setting kiln rejects, saying which and what to do
   */
  static BuildRequest of(
      JobValues job, Map<String, String> environment, BiConsumer<String, String> log) {
    Path dockerfile = Path.of(job.required("dockerfile"));
    Path context = Path.of(job.required("context"));
    if (!Files.isRegularFile(dockerfile)) {
      throw new RequestException(
          "no Dockerfile at " + dockerfile, "add one, or point kiln { dockerfile } at it");
    }
    if (!Files.isDirectory(context)) {
      throw new RequestException(
          "the build context " + context + " is not a directory", "point kiln { context } at one");
    }
    String output = job.required("output");
    BuildRequest.Builder b =
        BuildRequest.builder(context).dockerfile(dockerfile).environment(environment);
    job.map("buildArg").forEach(b::buildArg);
    job.value("target").ifPresent(b::target);
    job.list("platform").forEach(b::platform);
    job.map("label").forEach(b::label);
    job.map("annotation").forEach(b::annotation);
    // The CLI's own parser: the same syntax, checks and messages as --annotation.
    job.list("typedAnnotation").forEach(a -> ImageAnnotation.parseFlag(a).forEach(b::annotation));
    List<String> names = names(job, output);
    names.forEach(b::tag);
    b.output(output(job, output));
    b.checkOnly(output.equals("check"));
    job.list("extraOutput").forEach(o -> b.output(OutputSpecParser.parse(o)));
    job.list("cacheFrom").forEach(s -> b.cacheFrom(CacheSpec.parse(s, false)));
    job.list("cacheTo").forEach(s -> b.cacheTo(CacheSpec.parse(s, true)));
    b.noCache(job.flag("noCache"));
    job.list("secret").forEach(s -> b.secret(SecretSpec.parse(s)));
    job.list("allow").forEach(b::allow);
    job.list("ssh").forEach(s -> b.ssh(SshSpec.parse(s)));
    job.list("noCacheFilter").forEach(b::noCacheFilter);
    job.value("network").map(String::trim).ifPresent(b::network);
    job.list("addHost").forEach(b::addHost);
    job.list("ulimit").forEach(b::ulimit);
    job.value("shmSize").map(String::trim).ifPresent(b::shmSize);
    job.value("pull").map(String::trim).map(PullPolicy::parse).ifPresent(b::pull);
    Path projectDir = Path.of(job.required("projectDir")).normalize();
    job.list("buildContext")
        .forEach(s -> b.buildContext(inProject(NamedContext.parse(s), projectDir)));
    job.value("isolation").map(String::trim).ifPresent(b::isolation);
    job.value("maxParallelism").map(v -> number(v, "maxParallelism")).ifPresent(b::maxParallelism);
    if (job.flag("sbom")) {
      b.attest(AttestationSpec.sbom("true").orElseThrow());
    }
    job.value("provenance").flatMap(AttestationSpec::provenance).ifPresent(b::attest);
    job.value("signingKey")
        .ifPresent(
            key ->
                b.sign(
                    new SignSpec(
                        Path.of(key), job.value("signingKeyPasswordEnv").map(String::trim))));
    job.value("sourceDateEpoch")
        .ifPresent(
            raw -> {
              String from = job.value("sourceDateEpoch.from").orElse("kiln.sourceDateEpoch");
              long seconds;
              try {
                seconds = SourceDateEpoch.parse(raw);
              } catch (IllegalArgumentException e) {
                throw new RequestException(from + ": " + e.getMessage(), "fix or remove it");
              }
              log.accept(
                  "lifecycle", "kiln: SOURCE_DATE_EPOCH=" + seconds + " (from " + from + ")");
              b.sourceDateEpoch(seconds);
            });
    job.list("insecureRegistry").forEach(b::insecureRegistry);
    job.list("plainHttpCredentialHost").forEach(b::plainHttpCredentials);
    job.value("cacheDir").map(Path::of).ifPresent(b::cacheDir);
    logins(job, names.isEmpty() ? null : names.get(0), log).forEach(b::registryLogin);
    return b.build();
  }

  /** A named context's relative directory, resolved against the project rather than Gradle's. */
  private static NamedContext inProject(NamedContext named, Path projectDir) {
    if (named instanceof NamedContext.Directory d) {
      return new NamedContext.Directory(d.name(), projectDir.resolve(d.dir()));
    }
    if (named instanceof NamedContext.OciLayout l) {
      return new NamedContext.OciLayout(l.name(), projectDir.resolve(l.dir()), l.selector());
    }
    return named;
  }

  /** The names the image goes by; kilnBuild needs {@code image}, the others default to one. */
  static List<String> names(JobValues job, String output) {
    Optional<String> image = job.value("image");
    if (image.isEmpty()) {
      String task = output.equals("image") ? "kilnBuild" : "kilnPush";
      throw new RequestException(
          task + " needs an image to push to",
          "set kiln { image = 'registry.example.com/app:1.0' }, or pass"
              + " -Pkiln.image=registry.example.com/app:1.0");
    }
    try {
      return ImageNames.of(image.get(), job.list("tag"), "kiln { image }", "kiln { tags }");
    } catch (IllegalArgumentException e) {
      throw new RequestException(e.getMessage(), "fix the name in kiln { } or -Pkiln.image");
    }
  }

  private static OutputSpec output(JobValues job, String output) {
    return switch (output) {
      case "image" ->
          imageOutput(
              job,
              OutputSpec.Type.IMAGE,
              Optional.empty(),
              true,
              ociMediaTypes(job),
              job.flag("store"));
      case "layout" ->
          fileOutput(
              job,
              OutputSpec.Type.OCI_LAYOUT,
              Path.of(job.required("layoutDirectory")),
              ociMediaTypes(job));
        // kilnCheck builds nothing; the request still names where a build would go.
      case "check" -> imageOutput(job, OutputSpec.Type.IMAGE, Optional.empty(), false, true, false);
      case "tar" -> {
        Path file = Path.of(job.required("tarFile"));
        // format = 'docker' is a docker load archive, whose media types are Docker's anyway.
        yield ociMediaTypes(job)
            ? fileOutput(job, OutputSpec.Type.OCI, file, true)
            : fileOutput(job, OutputSpec.Type.DOCKER, file, false);
      }
      default -> throw new IllegalArgumentException("unknown output " + output + ": a plugin bug");
    };
  }

  private static OutputSpec fileOutput(
      JobValues job, OutputSpec.Type type, Path dest, boolean ociMediaTypes) {
    return imageOutput(job, type, Optional.of(dest), false, ociMediaTypes, false);
  }

  /** The task's own output, with the compression settings. */
  private static OutputSpec imageOutput(
      JobValues job,
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
        compression(job),
        compressionLevel(job),
        ociMediaTypes,
        Map.of(),
        job.flag("forceCompression"),
        !push || alsoStored,
        false,
        List.of());
  }

  /** {@code format}: OCI media types ({@code oci}, the default) or Docker's ({@code docker}). */
  private static boolean ociMediaTypes(JobValues job) {
    String format = job.value("format").orElse("oci").trim().toLowerCase(Locale.ROOT);
    return switch (format) {
      case "oci" -> true;
      case "docker" -> false;
      default ->
          throw new RequestException(
              "kiln { format } '" + format + "' is not an image format kiln writes",
              "use oci (OCI media types) or docker (Docker's, and a docker load archive for"
                  + " kilnBuildTar)");
    };
  }

  private static Compression compression(JobValues job) {
    String label = job.value("compression").orElse("gzip").trim().toLowerCase(Locale.ROOT);
    return Compression.ofLabel(label)
        .orElseThrow(
            () ->
                new RequestException(
                    "kiln { compression } '" + label + "' is not a compression kiln writes",
                    "use gzip, zstd or uncompressed"));
  }

  private static int number(String text, String setting) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new RequestException(
          "kiln { " + setting + " } '" + text + "' is not a number", "e.g. " + setting + " = 2");
    }
  }

  private static Optional<Integer> compressionLevel(JobValues job) {
    Optional<String> level = job.value("compressionLevel");
    try {
      return level.map(String::trim).map(Integer::valueOf);
    } catch (NumberFormatException e) {
      throw new RequestException(
          "kiln { compressionLevel } '" + level.get() + "' is not a number",
          "e.g. 9 for gzip, 19 for zstd");
    }
  }

  /**
   * The job's credentials by registry; those given for "the image's registry" ({@code
   * kiln.auth.username}, {@code KILN_AUTH_USERNAME}) go to the registry of {@code image}. The log
   * says where each came from, never the secret.
   */
  static Map<String, RegistryLogin> logins(
      JobValues job, String image, BiConsumer<String, String> log) {
    Map<String, String> fields = job.map("login");
    Map<String, RegistryLogin> logins = new LinkedHashMap<>();
    for (String key : fields.keySet()) {
      if (key.endsWith(".credHelper")) {
        String registry = key.substring(0, key.length() - ".credHelper".length());
        String from = fields.getOrDefault(registry + ".from", "the build script");
        logins.put(registry, RegistryLogin.credentialHelper(fields.get(key), from));
        log.accept(
            "info",
            "kiln: credentials for "
                + registry
                + " from docker-credential-"
                + fields.get(key)
                + " ("
                + from
                + ")");
        continue;
      }
      if (!key.endsWith(".username")) {
        continue;
      }
      String host = key.substring(0, key.length() - ".username".length());
      String password = fields.get(host + ".password");
      if (password == null) {
        continue;
      }
      String registry = host;
      if (host.equals("@image")) {
        if (image == null) {
          continue;
        }
        registry = ImageReference.parse(image).registry();
      }
      if (host.equals("@image") && logins.containsKey(registry)) {
        continue; // credentials named for the host win over the generic ones
      }
      String from = fields.getOrDefault(host + ".from", "the build script");
      logins.put(registry, new RegistryLogin(fields.get(key), password, from));
      log.accept("info", "kiln: credentials for " + registry + " from " + from);
    }
    return logins;
  }
}
