package dev.kiln.testdata.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Checks an OCI layout the way a careful registry or runtime would, independently of kiln's own
 * readers: every blob a descriptor names is there with the size and sha256 it says; manifests and
 * indexes parse and use media types that go together; each image's config lists one diffID per
 * layer, and each layer uncompresses to exactly its diffID; every image says its OS and
 * architecture. A test calls {@link #assertValid} on what kiln wrote.
 */
public final class ImageValidator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  private static final String DOCKER_LIST =
      "application/vnd.docker.distribution.manifest.list.v2+json";
  private static final String DOCKER_MANIFEST =
      "application/vnd.docker.distribution.manifest.v2+json";
  private static final Set<String> OCI_LAYERS =
      Set.of(
          "application/vnd.oci.image.layer.v1.tar",
          "application/vnd.oci.image.layer.v1.tar+gzip",
          "application/vnd.oci.image.layer.v1.tar+zstd",
          "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip");
  private static final Set<String> DOCKER_LAYERS =
      Set.of(
          "application/vnd.docker.image.rootfs.diff.tar.gzip",
          "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");

  private final Path layout;
  private final List<String> problems = new ArrayList<>();

  private ImageValidator(Path layout) {
    this.layout = layout;
  }

  /** What is wrong with the OCI layout at {@code layout}; empty when nothing is. */
  public static List<String> problems(Path layout) {
    ImageValidator v = new ImageValidator(layout);
    v.check();
    return List.copyOf(v.problems);
  }

  /** Fails with every problem of the OCI layout at {@code layout}, if it has any. */
  public static void assertValid(Path layout) {
    List<String> found = problems(layout);
    if (!found.isEmpty()) {
      throw new AssertionError(
          "the OCI layout " + layout + " is not valid:\n  " + String.join("\n  ", found));
    }
  }

  private void check() {
    try {
      JsonNode marker = JSON.readTree(layout.resolve("oci-layout").toFile());
      if (!marker.path("imageLayoutVersion").isTextual()) {
        problems.add("oci-layout has no imageLayoutVersion");
      }
      JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
      if (index.path("schemaVersion").asInt() != 2) {
        problems.add("index.json: schemaVersion is not 2");
      }
      for (JsonNode d : index.path("manifests")) {
        descend(d, "index.json");
      }
    } catch (IOException e) {
      problems.add("cannot read the layout: " + e.getMessage());
    }
  }

  private void descend(JsonNode descriptor, String where) throws IOException {
    String mediaType = descriptor.path("mediaType").asText();
    byte[] bytes = blob(descriptor, where);
    if (bytes == null) {
      return;
    }
    JsonNode doc = JSON.readTree(bytes);
    String at = where + " -> " + descriptor.path("digest").asText();
    switch (mediaType) {
      case OCI_INDEX, DOCKER_LIST -> {
        for (JsonNode child : doc.path("manifests")) {
          if (!child.path("platform").path("architecture").isTextual()
              && !child.path("annotations").has("vnd.docker.reference.type")) {
            problems.add(at + ": an index entry without a platform");
          }
          descend(child, at);
        }
      }
      case OCI_MANIFEST, DOCKER_MANIFEST -> image(doc, mediaType.equals(OCI_MANIFEST), at);
      default -> problems.add(at + ": unknown media type " + mediaType);
    }
  }

  private void image(JsonNode manifest, boolean oci, String at) throws IOException {
    JsonNode configDescriptor = manifest.path("config");
    byte[] configBytes = blob(configDescriptor, at);
    if (configBytes == null) {
      return;
    }
    JsonNode config = JSON.readTree(configBytes);
    if (!config.path("os").isTextual() || !config.path("architecture").isTextual()) {
      problems.add(at + ": the config does not say its os and architecture");
    }
    JsonNode layers = manifest.path("layers");
    JsonNode diffIds = config.path("rootfs").path("diff_ids");
    if (diffIds.size() != layers.size()) {
      problems.add(
          at + ": " + layers.size() + " layers but " + diffIds.size() + " diff_ids in the config");
    }
    for (int i = 0; i < layers.size(); i++) {
      JsonNode layer = layers.get(i);
      String type = layer.path("mediaType").asText();
      if (!(oci ? OCI_LAYERS : DOCKER_LAYERS).contains(type)) {
        problems.add(at + ": layer " + i + " has media type " + type + " in this manifest kind");
      }
      if (blob(layer, at) == null || i >= diffIds.size()) {
        continue;
      }
      String diffId = uncompressedDigest(layer);
      if (diffId != null && !diffId.equals(diffIds.get(i).asText())) {
        problems.add(
            at
                + ": layer "
                + i
                + " uncompresses to "
                + diffId
                + ", not "
                + diffIds.get(i).asText());
      }
    }
  }

  /**
   * The blob's bytes if it is there with its size and digest (large blobs are checked, not kept).
   */
  private byte[] blob(JsonNode descriptor, String where) throws IOException {
    String digest = descriptor.path("digest").asText();
    if (!digest.startsWith("sha256:")) {
      problems.add(where + ": descriptor digest " + digest + " is not sha256");
      return null;
    }
    Path file = layout.resolve("blobs/sha256").resolve(digest.substring(7));
    if (!Files.isRegularFile(file)) {
      problems.add(where + ": blob " + digest + " is missing");
      return null;
    }
    long size = Files.size(file);
    if (size != descriptor.path("size").asLong(-1)) {
      problems.add(
          where
              + ": blob "
              + digest
              + " has "
              + size
              + " bytes, the descriptor says "
              + descriptor.path("size").asText());
    }
    String actual;
    try (InputStream in = Files.newInputStream(file)) {
      actual = "sha256:" + sha256(in);
    }
    if (!actual.equals(digest)) {
      problems.add(where + ": blob " + digest + " hashes to " + actual);
      return null;
    }
    return size <= 16 * 1024 * 1024 ? Files.readAllBytes(file) : new byte[0];
  }

  private String uncompressedDigest(JsonNode layer) throws IOException {
    Path file = layout.resolve("blobs/sha256").resolve(layer.path("digest").asText().substring(7));
    String type = layer.path("mediaType").asText();
    if (type.endsWith("zstd")) {
      return zstdDigest(file);
    }
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        InputStream in = type.endsWith("gzip") ? new GZIPInputStream(raw) : raw) {
      return "sha256:" + sha256(in);
    }
  }

  /** zstd through the {@code zstd} command, when the machine has it (else not checked). */
  private String zstdDigest(Path file) throws IOException {
    if (!Files.isExecutable(Path.of("/usr/bin/zstd"))) {
      return null;
    }
    Process p = new ProcessBuilder("/usr/bin/zstd", "-dc", file.toString()).start();
    try (InputStream in = p.getInputStream()) {
      return "sha256:" + sha256(in);
    }
  }

  private static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (DigestInputStream d = new DigestInputStream(in, sha)) {
        d.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
