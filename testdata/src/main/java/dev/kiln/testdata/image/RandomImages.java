package dev.kiln.testdata.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * OCI layouts of made-up images, the same bytes for the same seed: a few gzip layers of random
 * files and directories, a config whose {@code rootfs.diff_ids} match them, a manifest, and an
 * {@code index.json} naming it (one image, or one per platform under an image index). A test that
 * needs "some image" gets one without a network or a base image, and one that compares two tools
 * gets inputs neither of them made.
 */
public final class RandomImages {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RandomImages() {}

  /**
   * A layout at {@code dir} with one linux/amd64 image of {@code layers} layers, tagged {@code
   * tag}.
   */
  public static Path image(Path dir, String tag, long seed, int layers) {
    return write(dir, tag, seed, layers, List.of());
  }

  /**
   * A layout at {@code dir} whose {@code tag} names an image index with one image per platform
   * ({@code os/arch[/variant]}), each with {@code layers} layers of its own.
   */
  public static Path index(Path dir, String tag, long seed, int layers, List<String> platforms) {
    if (platforms.isEmpty()) {
      throw new IllegalArgumentException("an index needs at least one platform");
    }
    return write(dir, tag, seed, layers, platforms);
  }

  private static Path write(Path dir, String tag, long seed, int layers, List<String> platforms) {
    try {
      Files.createDirectories(dir.resolve("blobs/sha256"));
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
      ObjectNode top;
      if (platforms.isEmpty()) {
        top = manifest(dir, new Random(seed), layers, "linux/amd64");
      } else {
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", "application/vnd.oci.image.index.v1+json");
        ArrayNode manifests = index.putArray("manifests");
        for (int i = 0; i < platforms.size(); i++) {
          ObjectNode m = manifest(dir, new Random(seed * 31 + i), layers, platforms.get(i));
          String[] p = platforms.get(i).split("/");
          ObjectNode platform = m.putObject("platform");
          platform.put("os", p[0]).put("architecture", p[1]);
          if (p.length > 2) {
            platform.put("variant", p[2]);
          }
          manifests.add(m);
        }
        top = descriptor(dir, "application/vnd.oci.image.index.v1+json", json(index));
      }
      top.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
      ObjectNode index = JSON.createObjectNode();
      index.put("schemaVersion", 2);
      index.putArray("manifests").add(top);
      Files.write(dir.resolve("index.json"), json(index));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes one image's layers, config and manifest; returns the manifest's descriptor. */
  private static ObjectNode manifest(Path dir, Random random, int layers, String platform)
      throws IOException {
    String[] p = platform.split("/");
    ObjectNode config = JSON.createObjectNode();
    config.put("os", p[0]).put("architecture", p[1]);
    if (p.length > 2) {
      config.put("variant", p[2]);
    }
    config.putObject("config").putArray("Cmd").add("/bin/sh");
    ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
    ArrayNode history = config.putArray("history");
    ArrayNode layerDescriptors = JSON.createArrayNode();
    for (int l = 0; l < layers; l++) {
      byte[] tar = layer(random, l);
      diffIds.add("sha256:" + sha256(tar));
      history.addObject().put("created_by", "random layer " + l);
      layerDescriptors.add(
          descriptor(dir, "application/vnd.oci.image.layer.v1.tar+gzip", gzip(tar)));
    }
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    manifest.set(
        "config", descriptor(dir, "application/vnd.oci.image.config.v1+json", json(config)));
    manifest.set("layers", layerDescriptors);
    return descriptor(dir, "application/vnd.oci.image.manifest.v1+json", json(manifest));
  }

  private static byte[] layer(Random random, int index) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      String dir = "layer" + index + "/";
      TarArchiveEntry d = new TarArchiveEntry(dir);
      d.setMode(040755);
      d.setModTime(1_700_000_000_000L);
      tar.putArchiveEntry(d);
      tar.closeArchiveEntry();
      int files = 1 + random.nextInt(5);
      for (int f = 0; f < files; f++) {
        byte[] content = new byte[random.nextInt(4096)];
        random.nextBytes(content);
        TarArchiveEntry e = new TarArchiveEntry(dir + "file" + f + ".bin");
        e.setMode(0100644);
        e.setSize(content.length);
        e.setModTime(1_700_000_000_000L);
        tar.putArchiveEntry(e);
        tar.write(content);
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static ObjectNode descriptor(Path dir, String mediaType, byte[] bytes)
      throws IOException {
    String hex = sha256(bytes);
    Files.write(dir.resolve("blobs/sha256").resolve(hex), bytes);
    ObjectNode d = JSON.createObjectNode();
    d.put("mediaType", mediaType).put("digest", "sha256:" + hex).put("size", bytes.length);
    return d;
  }

  private static byte[] json(ObjectNode node) throws IOException {
    return JSON.writeValueAsBytes(node);
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
