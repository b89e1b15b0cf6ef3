package dev.kiln.api.request;

import dev.kiln.core.output.FileSystemFailures;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a {@link BuildRequest} before the build starts, so that a value that cannot work fails in
 * a second, with the flag and the value named, instead of after every step has run: image names
 * ({@code -t}, {@code -o name=}), {@code --platform}, build argument names, {@code --secret src=}
 * files, {@code --ssh} agents and keys, {@code --build-context} sources, and that each output's
 * destination, {@code --iidfile}, {@code --metadata-file}, a local {@code --cache-to} and kiln's
 * store are writable.
 */
public final class BuildRequestCheck {
  private static final String NAME_HINT =
      "write NAME[:TAG], lowercase, e.g. registry.example:5000/team/app:1.0";

  private BuildRequestCheck() {}

  /**
   * @param storeRoot kiln's store the build will use
   * @throws RequestException naming the first value that cannot work
   */
  public static void check(BuildRequest request, Path storeRoot) {
    request.tags().forEach(tag -> imageName("-t ", tag));
    for (OutputSpec output : request.outputs()) {
      output.names().forEach(name -> imageName("--output name=", name));
    }
    request.platforms().forEach(BuildRequestCheck::platform);
    platformsAndOutputs(request);
    AnnotationPlaces.check(request);
    request.buildArgs().forEach(BuildRequestCheck::buildArg);
    request.secrets().forEach(BuildRequestCheck::secret);
    ssh(request);
    request.buildContexts().values().forEach(BuildRequestCheck::buildContext);
    if (!request.attestations().isEmpty()) {
      for (OutputSpec output : request.outputs()) {
        // A docker archive holds no index: it gets the image alone (the build warns).
        if (output.isImage()
            && output.type() != OutputSpec.Type.DOCKER
            && !output.ociMediaTypes()) {
          throw new RequestException(
              "attestations (--sbom, --provenance, --attest) go into an OCI index, and an output"
                  + " asks for oci-mediatypes=false",
              "drop oci-mediatypes=false, or the attestation flags");
        }
      }
    }
    if (request.sign().isPresent() && request.outputs().stream().noneMatch(OutputSpec::push)) {
      throw new RequestException(
          "--sign signs what the build pushes, and this build pushes nothing",
          "add --push (signatures live in the registry), or sign later with kiln sign");
    }

    DestinationCheck.store(storeRoot);
    request.outputs().forEach(DestinationCheck::output);
    request.iidFile().ifPresent(f -> DestinationCheck.file("--iidfile", f));
    request.metadataFile().ifPresent(f -> DestinationCheck.file("--metadata-file", f));
    for (CacheSpec spec : request.cacheTo()) {
      // With ignore-error=true an unwritable destination costs only the export, as in buildx.
      if (spec.type() == CacheSpec.Type.LOCAL && !spec.ignoreError()) {
        spec.dir().ifPresent(d -> DestinationCheck.directory("--cache-to dest", d));
      }
    }
  }

  private static void imageName(String flag, String name) {
    try {
      ImageReference.parse(name);
    } catch (InvalidReferenceException e) {
      throw new RequestException(flag + name + ": " + e.getMessage(), NAME_HINT);
    }
  }

  private static void platform(String text) {
    try {
      Platform.parse(text);
      dev.kiln.dockerfile.plan.Platform.parse(text);
    } catch (IllegalArgumentException | DockerfileException e) {
      throw new RequestException(
          "--platform " + text + ": " + e.getMessage(),
          "write OS/ARCH[/VARIANT], e.g. linux/amd64, linux/arm64 or linux/arm/v7");
    }
  }

  /**
   * Several platforms make an image index: refused where it cannot go (a docker archive holds one
   * image per name, as buildx says), and a platform named twice would build the same image twice.
   */
  private static void platformsAndOutputs(BuildRequest request) {
    java.util.Set<Platform> seen = new java.util.HashSet<>();
    for (String text : request.platforms()) {
      if (!seen.add(Platform.parse(text).normalize())) {
        throw new RequestException(
            "--platform " + text + " is given twice", "name each platform once");
      }
    }
    if (request.platforms().size() < 2) {
      return;
    }
    for (OutputSpec output : request.outputs()) {
      if (output.type() == OutputSpec.Type.DOCKER) {
        throw new RequestException(
            "--output type=docker cannot hold a multi-platform image ("
                + String.join(",", request.platforms())
                + "): docker load takes one image per name",
            "write --output type=oci (an OCI archive with the image index) or push it; or build"
                + " one --platform for docker");
      }
      if (output.type() == OutputSpec.Type.TAR) {
        throw new RequestException(
            "--output type=tar with several platforms is not supported",
            "use --output type=local,dest=DIR (one directory per platform), or one --platform");
      }
    }
  }

  private static void buildArg(String name, String value) {
    if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
      throw new RequestException(
          "--build-arg '" + name + "=" + value + "': '" + name + "' is not a build argument name",
          "write --build-arg NAME=VALUE (or NAME alone to take the value from the environment)");
    }
  }

  private static void secret(SecretSpec spec) {
    if (spec.file().isEmpty()) {
      return;
    }
    Path file = spec.file().get();
    String what = "--secret id=" + spec.id() + ": src " + file;
    String hint = "point src= at a file you can read, or pass the value with env=VARIABLE";
    if (Files.isDirectory(file)) {
      throw new RequestException(what + " is a directory", hint);
    }
    try (InputStream in = Files.newInputStream(file)) {
      // Opened, so readable; the value itself is read when a step mounts it.
    } catch (IOException e) {
      throw new RequestException(what + ": " + FileSystemFailures.reason(e), hint);
    }
  }

  /**
   * buildx's checks of {@code --ssh}, made before anything runs: one spec per id, an id alone needs
   * {@code $SSH_AUTH_SOCK}, and each path is one socket or readable key files, never both.
   */
  private static void ssh(BuildRequest request) {
    Set<String> ids = new HashSet<>();
    for (SshSpec spec : request.ssh()) {
      String flag = "--ssh " + spec.id();
      String hint = "pass --ssh ID (forwards $SSH_AUTH_SOCK), ID=SOCKET or ID=KEYFILE[,KEYFILE]";
      if (!ids.add(spec.id())) {
        throw new RequestException(flag + ": duplicate agent ID \"" + spec.id() + "\"", hint);
      }
      if (spec.paths().isEmpty()) {
        String socket = request.environment().get("SSH_AUTH_SOCK");
        if (socket == null || socket.isEmpty()) {
          throw new RequestException(
              flag + ": invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set",
              "start an agent (eval $(ssh-agent) and ssh-add), or pass "
                  + flag
                  + "=SOCKET|KEYFILE");
        }
        continue;
      }
      int sockets = 0;
      for (Path path : spec.paths()) {
        String what = flag + "=" + path;
        if (SshSpec.isSocket(path)) {
          sockets++;
          continue;
        }
        if (Files.isDirectory(path)) {
          throw new RequestException(what + ": is a directory, not a socket or a key file", hint);
        }
        try (InputStream in = Files.newInputStream(path)) {
          // Opened, so readable; the key itself is read when a step mounts it.
        } catch (IOException e) {
          throw new RequestException(what + ": " + FileSystemFailures.reason(e), hint);
        }
      }
      if (sockets > 1) {
        throw new RequestException(flag + ": only single socket allowed", hint);
      }
      if (sockets == 1 && spec.paths().size() > 1) {
        throw new RequestException(flag + ": invalid combination of keys and sockets", hint);
      }
    }
  }

  private static void buildContext(NamedContext context) {
    String flag = "--build-context " + context.name() + "=";
    if (context instanceof NamedContext.Directory d) {
      if (!Files.isDirectory(d.dir())) {
        throw new RequestException(
            flag
                + d.dir()
                + ": "
                + (Files.exists(d.dir()) ? "not a directory" : "no such directory"),
            "name a directory, docker-image://REF or oci-layout://DIR");
      }
    } else if (context instanceof NamedContext.OciLayout l) {
      if (!Files.isRegularFile(l.dir().resolve("index.json"))) {
        throw new RequestException(
            flag
                + "oci-layout://"
                + l.dir()
                + ": "
                + l.dir()
                + " is not an OCI image layout"
                + " (it has no index.json)",
            "name a directory written by kiln build --output type=oci,tar=false, skopeo or umoci");
      }
    } else if (context instanceof NamedContext.Image i) {
      imageName(flag + "docker-image://", i.reference());
    }
  }
}
