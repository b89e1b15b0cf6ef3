package dev.kiln.core.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes an OCI image layout by hand, byte by byte, so that a test can put in a layer no sane tool
 * would produce: names with {@code ..}, absolute names, symlinks and hardlinks that lead out. The
 * image is the busybox rootfs (so it looks real) plus one layer made of the given entries; its tag
 * is {@code latest}.
 */
final class HandmadeLayout {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One tar entry of an extra layer; a name's chars U+0080..U+00FF are written as one byte. */
  record Entry(String name, char type, String linkTarget, String content) {
    static Entry file(String name, String content) {
      return new Entry(name, '0', "", content);
    }

    static Entry fifo(String name) {
      return new Entry(name, '6', "", "");
    }

    /** A character device 1,3 (/dev/null's numbers). */
    static Entry charDevice(String name) {
      return new Entry(name, '3', "", "");
    }

    static Entry dir(String name) {
      return new Entry(name, '5', "", "");
    }

    static Entry symlink(String name, String target) {
      return new Entry(name, '2', target, "");
    }

    static Entry hardlink(String name, String target) {
      return new Entry(name, '1', target, "");
    }
  }

  private HandmadeLayout() {}

  static Path write(Path dir, List<Entry> entries) throws IOException {
    return writeLayers(dir, List.of(entries));
  }

  /** The busybox rootfs plus one layer per list of entries, in order. */
  static Path writeLayers(Path dir, List<List<Entry>> extraLayers) throws IOException {
    List<byte[]> tars = new ArrayList<>();
    for (List<Entry> entries : extraLayers) {
      tars.add(tar(entries));
    }
    return writeTars(dir, tars, null);
  }

  /**
   * The busybox rootfs plus one gzipped layer of {@code tar}, whose config lists {@code
   * claimedDiffId} as its diffID instead of the tar's own: a forged image.
   */
  static Path writeForged(Path dir, byte[] tar, String claimedDiffId) throws IOException {
    return writeTars(dir, List.of(tar), List.of(claimedDiffId));
  }

  /** The busybox rootfs plus one gzipped layer per tar, listed with its own diffID. */
  static Path writeTars(Path dir, List<byte[]> tars) throws IOException {
    return writeTars(dir, tars, null);
  }

  private static Path writeTars(Path dir, List<byte[]> tars, List<String> claimedDiffIds)
      throws IOException {
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    byte[] base = Files.readAllBytes(BusyboxRootfs.tar());
    String baseDigest = put(dir, base);
    List<byte[]> gzipped = new ArrayList<>();
    for (byte[] t : tars) {
      gzipped.add(gzip(t));
      put(dir, gzipped.get(gzipped.size() - 1));
    }

    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "amd64").put("os", "linux");
    config.putObject("config").putArray("Cmd").add("/bin/sh");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids").add(baseDigest);
    for (int i = 0; i < tars.size(); i++) {
      diffIds.add(
          claimedDiffIds != null
              ? claimedDiffIds.get(i)
              : "sha256:" + FileFacts.sha256(tars.get(i)));
    }
    byte[] configBytes = JSON.writeValueAsBytes(config);
    String configDigest = put(dir, configBytes);

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    manifest.set(
        "config",
        descriptor("application/vnd.oci.image.config.v1+json", configDigest, configBytes.length));
    ArrayNode layers = manifest.putArray("layers");
    layers.add(descriptor("application/vnd.oci.image.layer.v1.tar", baseDigest, base.length));
    for (byte[] gz : gzipped) {
      layers.add(
          descriptor(
              "application/vnd.oci.image.layer.v1.tar+gzip",
              "sha256:" + FileFacts.sha256(gz),
              gz.length));
    }
    byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
    String manifestDigest = put(dir, manifestBytes);

    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    ObjectNode entry =
        descriptor(
            "application/vnd.oci.image.manifest.v1+json", manifestDigest, manifestBytes.length);
    entry.putObject("annotations").put("org.opencontainers.image.ref.name", "latest");
    index.putArray("manifests").add(entry);
    Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    return dir;
  }

  private static ObjectNode descriptor(String mediaType, String digest, long size) {
    ObjectNode d = JSON.createObjectNode();
    d.put("mediaType", mediaType).put("digest", digest).put("size", size);
    return d;
  }

  private static String put(Path dir, byte[] bytes) throws IOException {
    String hex = FileFacts.sha256(bytes);
    Files.write(dir.resolve("blobs/sha256").resolve(hex), bytes);
    return "sha256:" + hex;
  }

  static byte[] tar(List<Entry> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // ISO-8859-1 writes each char of a name as the byte of the same value, so a test can put
    // bytes that are not UTF-8 into a name.
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "ISO-8859-1")) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        // preserveAbsolutePath: commons-compress would otherwise strip a leading '/'.
        TarArchiveEntry t = new TarArchiveEntry(e.name(), (byte) e.type(), true);
        byte[] content = e.content().getBytes(StandardCharsets.UTF_8);
        t.setMode(
            switch (e.type()) {
              case '5' -> 040755;
              case '2' -> 0120777;
              case '3' -> 020666;
              case '6' -> 010644;
              default -> 0100644;
            });
        if (e.type() == '3') {
          t.setDevMajor(1);
          t.setDevMinor(3);
        }
        t.setLinkName(e.linkTarget());
        t.setSize(e.type() == '0' ? content.length : 0);
        tar.putArchiveEntry(t);
        if (e.type() == '0') {
          tar.write(content);
        }
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    }
    return out.toByteArray();
  }

  static List<Entry> list(Entry... entries) {
    return new ArrayList<>(List.of(entries));
  }
}
