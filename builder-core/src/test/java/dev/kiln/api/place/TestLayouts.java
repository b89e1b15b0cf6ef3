package dev.kiln.api.place;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.JsonBytes;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.model.RootFs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Small OCI layouts written by hand (not by kiln's writers, whose output the tests read back): a
 * one-layer image per platform, and an index over several.
 */
final class TestLayouts {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final ArrayNode entries = JSON.createArrayNode();

  TestLayouts(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    writeIndex();
  }

  Path dir() {
    return dir;
  }

  /** An image for {@code platform} whose one layer holds {@code /hello} = {@code content}. */
  ImageManifest image(Platform platform, String content) throws IOException {
    byte[] tar = tar("hello", content);
    byte[] layer = gzip(tar);
    Descriptor layerDescriptor = blob(MediaType.OCI_LAYER_GZIP, layer);
    ImageConfig config =
        ImageConfig.scratch(platform).toBuilder()
            .created("1970-01-01T00:00:00Z")
            .rootfs(RootFs.of(List.of(Digest.sha256(tar))))
            .build();
    Descriptor configDescriptor = blob(MediaType.OCI_CONFIG, config.raw().toByteArray());
    ImageManifest manifest =
        ImageManifest.of(MediaType.OCI_MANIFEST, configDescriptor, List.of(layerDescriptor));
    blob(MediaType.OCI_MANIFEST, manifest.raw().toByteArray());
    return manifest;
  }

  /** An index over {@code images}, each listed with its config's platform. */
  ImageIndex index(List<ImageManifest> images, List<Platform> platforms) throws IOException {
    List<Descriptor> listed = new java.util.ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      JsonBytes raw = images.get(i).raw();
      listed.add(Descriptor.of(MediaType.OCI_MANIFEST, raw).withPlatform(platforms.get(i)));
    }
    ImageIndex index = ImageIndex.of(MediaType.OCI_INDEX, listed);
    blob(MediaType.OCI_INDEX, index.raw().toByteArray());
    return index;
  }

  /** Names {@code digest} {@code tag} in {@code index.json}. */
  TestLayouts tag(String tag, String mediaType, JsonBytes document) throws IOException {
    ObjectNode entry = entries.addObject();
    entry.put("mediaType", mediaType);
    entry.put("digest", document.digest().toString());
    entry.put("size", document.size());
    entry.putObject("annotations").put(LayoutReader.REF_NAME, tag);
    writeIndex();
    return this;
  }

  private void writeIndex() throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaType.OCI_INDEX);
    index.set("manifests", entries);
    Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
  }

  private Descriptor blob(String mediaType, byte[] bytes) throws IOException {
    Digest digest = Digest.sha256(bytes);
    Files.write(dir.resolve("blobs/sha256").resolve(digest.hex()), bytes);
    return Descriptor.of(mediaType, digest, bytes.length);
  }

  private static byte[] tar(String name, String content) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setSize(data.length);
      entry.setMode(0644);
      tar.putArchiveEntry(entry);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  private static byte[] gzip(byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }
}
