package dev.kiln.testdata.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.registry.LocalRegistry;
import dev.kiln.testdata.registry.RegistryVariant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Checks images with real clients, so that tests never judge kiln's output with kiln's own code:
 * {@code skopeo} reads manifests and configs and copies images, {@code umoci} unpacks them into a
 * root filesystem.
 *
 * <pre>{@code
 * UnpackedImage image = ImageInspector.of(registry).unpack("app:1", tempDir);
 * assertTrue(Files.isRegularFile(image.rootfs().resolve("bin/busybox")));
 * }</pre>
 */
public final class ImageInspector {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final LocalRegistry registry;

  private ImageInspector(LocalRegistry registry) {
    this.registry = registry;
  }

  /** An inspector for images in {@code registry}, using its full-access credentials if any. */
  public static ImageInspector of(LocalRegistry registry) {
    return new ImageInspector(registry);
  }

  /**
   * {@code skopeo inspect --raw}: the manifest (or index) bytes exactly as the registry serves
   * them.
   */
  public String rawManifest(String repositoryAndTag) {
    return skopeo(List.of("inspect", "--raw"), "", docker(repositoryAndTag)).stdout();
  }

  /** {@code skopeo inspect --config --raw}: the image config bytes. */
  public String rawConfig(String repositoryAndTag) {
    return skopeo(List.of("inspect", "--config", "--raw"), "", docker(repositoryAndTag)).stdout();
  }

  /**
   * A blob exactly as the registry serves it ({@code GET /v2/REPOSITORY/blobs/DIGEST}, for the
   * variants without authentication); any answer but 200 fails the test.
   */
  public byte[] blob(String repository, String digest) {
    HttpClient.Builder client = HttpClient.newBuilder();
    if (registry.baseUri().getScheme().equals("https")) {
      client.sslContext(registry.sslContext());
    }
    URI uri = URI.create(registry.baseUri() + "/v2/" + repository + "/blobs/" + digest);
    try {
      HttpResponse<byte[]> response =
          client
              .build()
              .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + uri + " answered HTTP " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + uri, e);
    }
  }

  /**
   * The in-toto statement in layer {@code layer} of the attestation manifest {@code
   * repository@digest}, as BuildKit stores them; the test fails unless that layer is an {@code
   * application/vnd.in-toto+json} blob annotated with {@code predicateType}.
   */
  public JsonNode attestationStatement(
      String repository, String digest, int layer, String predicateType) {
    JsonNode manifest = json(rawManifest(repository + "@" + digest));
    JsonNode descriptor = manifest.path("layers").path(layer);
    String mediaType = descriptor.path("mediaType").asText();
    String type = descriptor.path("annotations").path("in-toto.io/predicate-type").asText();
    if (!mediaType.equals("application/vnd.in-toto+json") || !type.equals(predicateType)) {
      throw new AssertionError(
          "layer "
              + layer
              + " of "
              + repository
              + "@"
              + digest
              + " is "
              + mediaType
              + " of predicate type "
              + type
              + ", not an in-toto statement of "
              + predicateType
              + ": "
              + manifest);
    }
    return json(
        new String(blob(repository, descriptor.path("digest").asText()), StandardCharsets.UTF_8));
  }

  /** The digest a registry names {@code raw} manifest bytes by: {@code sha256:} and their hash. */
  public static String digestOf(String raw) {
    try {
      return "sha256:"
          + HexFormat.of()
              .formatHex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(raw.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code skopeo inspect}: skopeo's summary (digest, layers, labels, …) as JSON. */
  public JsonNode inspect(String repositoryAndTag) {
    return json(skopeo(List.of("inspect"), "", docker(repositoryAndTag)).stdout());
  }

  /**
   * Copies the image into an OCI layout with skopeo and unpacks it with umoci under {@code
   * workDir}.
   */
  public UnpackedImage unpack(String repositoryAndTag, Path workDir) {
    Path layout = workDir.resolve("skopeo-layout");
    try {
      Files.createDirectories(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    skopeoCopy(docker(repositoryAndTag), "src", "oci:" + layout + ":image");
    return unpackLayout(layout, "image", workDir);
  }

  /**
   * Copies {@code architecture}'s image of a multi-platform index with skopeo ({@code
   * --override-arch}) and unpacks it with umoci under {@code workDir}.
   */
  public UnpackedImage unpack(String repositoryAndTag, String architecture, Path workDir) {
    Path layout = workDir.resolve("skopeo-layout-" + architecture);
    List<String> args = new ArrayList<>(List.of("--override-os", "linux"));
    args.addAll(List.of("--override-arch", architecture, "copy"));
    args.addAll(transportFlags("src"));
    args.add(docker(repositoryAndTag));
    args.add("oci:" + layout + ":" + architecture);
    skopeo(args, null, null);
    return unpackLayout(layout, architecture, workDir);
  }

  /** Copies an OCI layout's {@code tag} into the registry as {@code repositoryAndTag}. */
  public void push(Path ociLayout, String tag, String repositoryAndTag) {
    skopeoCopy("oci:" + ociLayout + ":" + tag, "dest", docker(repositoryAndTag));
  }

  /** Unpacks {@code tag} of a local OCI layout with umoci (no registry involved). */
  public static UnpackedImage unpackLayout(Path ociLayout, String tag, Path workDir) {
    Path bundle = workDir.resolve("bundle-" + tag.replaceAll("[^A-Za-z0-9_.-]", "_"));
    List<String> command = new ArrayList<>(List.of("umoci", "unpack"));
    if (!isRoot()) {
      command.add("--rootless");
    }
    command.addAll(List.of("--image", ociLayout + ":" + tag, bundle.toString()));
    ProcessRunner.run(command).requireSuccess();
    String manifest = manifestOfLayout(ociLayout, tag);
    String config = blob(ociLayout, json(manifest).path("config").path("digest").asText());
    return new UnpackedImage(bundle.resolve("rootfs"), manifest, config);
  }

  /** The raw manifest that {@code tag} names in an OCI layout's {@code index.json}. */
  public static String manifestOfLayout(Path ociLayout, String tag) {
    JsonNode index = json(read(ociLayout.resolve("index.json")));
    for (JsonNode descriptor : index.path("manifests")) {
      if (tag.equals(
          descriptor.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
        return blob(ociLayout, descriptor.path("digest").asText());
      }
    }
    throw new IllegalStateException("no tag " + tag + " in " + ociLayout + "/index.json");
  }

  private static String blob(Path ociLayout, String digest) {
    String[] parts = digest.split(":", 2);
    return read(ociLayout.resolve("blobs").resolve(parts[0]).resolve(parts[1]));
  }

  private void skopeoCopy(String source, String side, String destination) {
    List<String> args = new ArrayList<>(List.of("copy"));
    args.addAll(transportFlags(side));
    args.add(source);
    args.add(destination);
    skopeo(args, null, null).requireSuccess();
  }

  private ProcessRunner.Result skopeo(List<String> verb, String side, String target) {
    List<String> command = new ArrayList<>();
    command.add("skopeo");
    command.add("--insecure-policy");
    command.addAll(verb);
    if (side != null) {
      command.addAll(transportFlags(side));
    }
    if (target != null) {
      command.add(target);
    }
    return ProcessRunner.run(command).requireSuccess();
  }

  /** Flags for skopeo's {@code side} ("" for inspect, "src" or "dest" for copy). */
  private List<String> transportFlags(String side) {
    String prefix = side.isEmpty() ? "--" : "--" + side + "-";
    List<String> flags = new ArrayList<>();
    if (registry.variant() == RegistryVariant.TLS) {
      flags.add(prefix + "cert-dir=" + registry.certsDir());
    } else {
      // The registry speaks plain HTTP; skopeo falls back to it only with verification off.
      flags.add(prefix + "tls-verify=false");
    }
    Optional<String> creds = registry.credentials().map(c -> c.colonSeparated());
    creds.ifPresent(c -> flags.add(prefix + "creds=" + c));
    if (creds.isEmpty()) {
      flags.add(prefix + "no-creds");
    }
    return flags;
  }

  private String docker(String repositoryAndTag) {
    return "docker://" + registry.reference(repositoryAndTag);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
