package dev.kiln.api.place;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks an image archive into a directory that is an OCI image layout, so the layout code reads
 * it: an OCI archive ({@code skopeo copy oci-archive:}, {@code buildx --output type=oci}, kiln's),
 * a {@code docker save} archive of Docker 25+ (which holds an OCI layout too), or an older {@code
 * docker save} archive with only {@code manifest.json}, whose {@code <id>/layer.tar} files become
 * blobs and whose images get an OCI manifest each (layers stay uncompressed, as the archive has
 * them). Gzip-compressed archives ({@code docker save | gzip}) are read too.
 *
 * <p>The archive is read once, as a stream; blobs go straight to files, never into memory. An
 * archive cannot be read in place because a tar has no index: the blobs a manifest names may come
 * before or after it.
 */
final class ArchiveImport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_JSON = 16 << 20;

  private ArchiveImport() {}

  /** Unpacks {@code archive} into the empty directory {@code dir} as an OCI layout. */
  static void unpack(Path archive, Path dir) throws IOException {
    Path legacy = dir.resolve("legacy");
    Map<String, String> symlinks = new HashMap<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(raw))) {
      for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
        String name = safeName(entry.getName(), archive);
        if (name.isEmpty() || entry.isDirectory()) {
          continue;
        }
        if (entry.isSymbolicLink()) {
          symlinks.put(name, resolveLink(name, entry.getLinkName()));
          continue;
        }
        if (!entry.isFile()) {
          continue;
        }
        Path target =
            name.startsWith("blobs/")
                    || name.equals("index.json")
                    || name.equals("oci-layout")
                    || name.equals("manifest.json")
                ? dir.resolve(name)
                : legacy.resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      if (e instanceof ImageNotFoundException) {
        throw e;
      }
      throw new ImageNotFoundException(
          "cannot read " + archive + " as an image archive: " + e.getMessage(),
          "pass an OCI archive, a docker save archive or an OCI layout directory");
    }
    if (!Files.isRegularFile(dir.resolve("index.json"))) {
      if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
        throw new ImageNotFoundException(
            archive
                + " is neither an OCI archive (no index.json) nor a docker archive"
                + " (no manifest.json)",
            "pass an archive written by kiln build --output type=oci|docker, docker save, skopeo"
                + " or buildx");
      }
      convertDockerArchive(dir, legacy, symlinks, archive);
    }
    if (!Files.exists(dir.resolve("oci-layout"))) {
      Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }
  }

  private static InputStream decompressed(InputStream raw) throws IOException {
    raw.mark(2);
    int b1 = raw.read();
    int b2 = raw.read();
    raw.reset();
    return b1 == 0x1f && b2 == 0x8b ? new GzipCompressorInputStream(raw, true) : raw;
  }

  /** The entry's name relative to the archive root; an escaping name is an error, not a skip. */
  private static String safeName(String name, Path archive) throws IOException {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    if (n.startsWith("/") || ("/" + n + "/").contains("/../")) {
      throw new ImageNotFoundException(
          archive + " has an entry outside the archive: " + name,
          "the archive is not an image archive kiln can trust; recreate it");
    }
    return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
  }

  private static String resolveLink(String name, String link) {
    if (link.startsWith("/")) {
      return link.substring(1);
    }
    Path parent = Path.of(name).getParent();
    Path resolved = (parent == null ? Path.of(link) : parent.resolve(link)).normalize();
    return resolved.toString();
  }

  /**
   * Older {@code docker save}: {@code manifest.json} lists, per image, a config file, its tags and
   * its layer tars (which may be symlinks to another image's layer). Each becomes a blob, each
   * image an OCI manifest named by each of its tags.
   */
  private static void convertDockerArchive(
      Path dir, Path legacy, Map<String, String> symlinks, Path archive) throws IOException {
    byte[] manifestJson = readSmall(dir.resolve("manifest.json"));
    JsonNode images = JSON.readTree(manifestJson);
    if (images == null || !images.isArray() || images.isEmpty()) {
      throw new ImageNotFoundException(
          archive + ": manifest.json lists no images", "recreate the archive with docker save");
    }
    Map<String, Descriptor> blobsByPath = new HashMap<>();
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaType.OCI_INDEX);
    ArrayNode entries = index.putArray("manifests");
    for (JsonNode image : images) {
      // Keyed by the file a path really names: a layer shared by two images (or linked from a
      // second directory) is moved into blobs/ once and found there the second time.
      String configPath = realPath(symlinks, image.path("Config").asText(""));
      Descriptor config = blobsByPath.get(configPath);
      if (config == null) {
        config = toBlob(dir, legacy, configPath, archive, MediaType.OCI_CONFIG);
        blobsByPath.put(configPath, config);
      }
      List<Descriptor> layers = new ArrayList<>();
      for (JsonNode layer : image.path("Layers")) {
        String path = realPath(symlinks, layer.asText());
        Descriptor d = blobsByPath.get(path);
        if (d == null) {
          d = toBlob(dir, legacy, path, archive, null);
          blobsByPath.put(path, d);
        }
        layers.add(d);
      }
      ImageManifest manifest = ImageManifest.of(MediaType.OCI_MANIFEST, config, layers);
      byte[] bytes = manifest.raw().toByteArray();
      Path blob = blobPath(dir, manifest.digest());
      Files.createDirectories(blob.getParent());
      Files.write(blob, bytes);
      List<String> tags = new ArrayList<>();
      image.path("RepoTags").forEach(t -> tags.add(t.asText()));
      if (tags.isEmpty()) {
        tags.add(null);
      }
      for (String tag : tags) {
        ObjectNode e = entries.addObject();
        e.put("mediaType", MediaType.OCI_MANIFEST);
        e.put("digest", manifest.digest().toString());
        e.put("size", bytes.length);
        if (tag != null) {
          e.putObject("annotations").put(LayoutReader.REF_NAME, tag);
        }
      }
    }
    Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
  }

  /** The file a path names once the archive's symlinks are followed. */
  private static String realPath(Map<String, String> symlinks, String path) {
    String real = path;
    for (int hops = 0; symlinks.containsKey(real) && hops < 16; hops++) {
      real = symlinks.get(real);
    }
    return real;
  }

  /**
   * Moves a legacy file into {@code blobs/}, hashing it; the media type of a layer by its magic.
   */
  private static Descriptor toBlob(
      Path dir, Path legacy, String real, Path archive, String mediaType) throws IOException {
    Path file = real.startsWith("blobs/") ? dir.resolve(real) : legacy.resolve(real);
    if (!Files.isRegularFile(file)) {
      throw new ImageNotFoundException(
          archive + ": manifest.json names " + real + ", which the archive does not contain",
          "the archive is incomplete; recreate it with docker save");
    }
    MessageDigest sha = Digest.newSha256();
    long size;
    byte[] head = new byte[4];
    int headLength;
    try (InputStream in = Files.newInputStream(file);
        OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
      headLength = in.readNBytes(head, 0, 4);
      sink.write(head, 0, headLength);
      size = headLength + in.transferTo(sink);
    }
    Digest digest = Digest.ofSha256(sha.digest());
    Path blob = blobPath(dir, digest);
    if (!Files.exists(blob)) {
      Files.createDirectories(blob.getParent());
      if (real.startsWith("blobs/")) {
        Files.copy(file, blob);
      } else {
        Files.move(file, blob);
      }
    }
    String type = mediaType != null ? mediaType : layerType(head, headLength);
    return Descriptor.of(type, digest, size);
  }

  private static String layerType(byte[] head, int length) {
    if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return MediaType.OCI_LAYER_GZIP;
    }
    if (length >= 4
        && (head[0] & 0xff) == 0x28
        && (head[1] & 0xff) == 0xb5
        && (head[2] & 0xff) == 0x2f
        && (head[3] & 0xff) == 0xfd) {
      return MediaType.OCI_LAYER_ZSTD;
    }
    return MediaType.OCI_LAYER;
  }

  private static Path blobPath(Path dir, Digest digest) {
    return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  private static byte[] readSmall(Path file) throws IOException {
    if (Files.size(file) > MAX_JSON) {
      throw new IOException(file.getFileName() + " is larger than " + MAX_JSON + " bytes");
    }
    return Files.readAllBytes(file);
  }
}
