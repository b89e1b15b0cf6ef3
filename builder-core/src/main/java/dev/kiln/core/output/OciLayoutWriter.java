package dev.kiln.core.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.cache.store.TreeDeletion;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code --output type=oci,tar=false,dest=DIR}: an OCI image layout directory. Blobs already in the
 * layout are kept; new ones are hard-linked from the content store when possible (same file system,
 * so no bytes are copied) and otherwise copied through a temp file. {@code index.json} is replaced
 * last and atomically, so a reader never sees a tag pointing at missing blobs. Existing entries
 * with other tags survive, as with {@code skopeo copy} into a layout.
 */
public final class OciLayoutWriter implements ImageOutput {
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  public OciLayoutWriter(Path dir) {
    this.dir = dir;
  }

  @Override
  public String describe() {
    return "oci layout " + dir;
  }

  /**
   * {@inheritDoc}
   *
   * <p>A failure to write (a full disk) names the layout directory; a layout directory this call
   * created is removed again, so a failed output leaves nothing under its name.
   */
  @Override
  public boolean holdsIndexes() {
    return true;
  }

  @Override
  public void write(BuiltImage image, List<String> names) throws IOException {
    write(List.of(image), image.descriptor(), null, names);
  }

  /** The index is a blob too, and {@code index.json} points at it (a nested index). */
  @Override
  public void write(BuiltIndex index, List<String> names) throws IOException {
    write(index.images(), index.descriptor(), index.index().raw().toByteArray(), names);
  }

  private void write(List<BuiltImage> images, Descriptor top, byte[] indexBytes, List<String> names)
      throws IOException {
    boolean created = !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    try {
      writeLayout(images, top, indexBytes, names);
    } catch (FileSystemException e) {
      removeIfCreated(created);
      // A temp file or blob inside the layout means nothing to the user; the layout does.
      throw FileSystemFailures.within(dir, e);
    } catch (IOException | RuntimeException e) {
      removeIfCreated(created);
      throw e;
    }
  }

  private void removeIfCreated(boolean created) {
    if (created) {
      TreeDeletion.deleteQuietly(dir);
    }
  }

  private void writeLayout(
      List<BuiltImage> images, Descriptor top, byte[] indexBytes, List<String> names)
      throws IOException {
    Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
    for (BuiltImage image : images) {
      for (Descriptor layer : image.manifest().layers()) {
        putBlob(image, layer);
      }
      putBytes(image.manifest().raw().toByteArray(), image.descriptor());
      putBytes(image.config().raw().toByteArray(), image.manifest().config());
    }
    if (indexBytes != null) {
      putBytes(indexBytes, top);
    }
    writeAtomically(
        dir.resolve("oci-layout"),
        "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII));
    writeAtomically(dir.resolve("index.json"), index(top, names));
  }

  private byte[] index(Descriptor top, List<String> names) throws IOException {
    List<String> tags = new ArrayList<>();
    for (String name : names) {
      String tag = TagNames.tagOf(name);
      if (!tag.isEmpty() && !tags.contains(tag)) {
        tags.add(tag);
      }
    }
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaType.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    Path existing = dir.resolve("index.json");
    if (Files.exists(existing)) {
      for (var entry : JSON.readTree(existing.toFile()).path("manifests")) {
        String ref = entry.path("annotations").path(REF_NAME).asText(null);
        boolean replaced = ref != null && tags.contains(ref);
        boolean sameUntagged =
            ref == null
                && tags.isEmpty()
                && entry.path("digest").asText().equals(top.digest().toString());
        if (!replaced && !sameUntagged) {
          manifests.add(entry);
        }
      }
    }
    if (tags.isEmpty()) {
      manifests.add(descriptorNode(top, null));
    }
    for (String tag : tags) {
      manifests.add(descriptorNode(top, tag));
    }
    return JSON.writeValueAsBytes(index);
  }

  private static ObjectNode descriptorNode(Descriptor top, String tag) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", top.mediaType());
    node.put("digest", top.digest().toString());
    node.put("size", top.size());
    if (tag != null) {
      node.putObject("annotations").put(REF_NAME, tag);
    }
    return node;
  }

  private Path blobPath(Descriptor d) {
    return dir.resolve("blobs").resolve(d.digest().algorithm()).resolve(d.digest().hex());
  }

  private void putBlob(BuiltImage image, Descriptor blob) throws IOException {
    Path target = blobPath(blob);
    if (Files.isRegularFile(target) && Files.size(target) == blob.size()) {
      return;
    }
    Files.createDirectories(target.getParent());
    Optional<Path> local = image.blobs().localFile(blob);
    if (local.isPresent()) {
      try {
        Path link =
            target.resolveSibling(target.getFileName() + ".link-" + ProcessHandle.current().pid());
        Files.deleteIfExists(link);
        Files.createLink(link, local.get());
        move(link, target);
        return;
      } catch (IOException | UnsupportedOperationException e) {
        // Different file system or no hard links: fall through to copying.
      }
    }
    try (InputStream in = image.blobs().open(blob)) {
      Path temp = Files.createTempFile(target.getParent(), ".tmp-", "");
      try {
        try (OutputStream out = new NamedFileStream(Files.newOutputStream(temp), dir)) {
          in.transferTo(out);
        }
        move(temp, target);
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }

  private void putBytes(byte[] bytes, Descriptor descriptor) throws IOException {
    Path target = blobPath(descriptor);
    if (!Files.exists(target)) {
      writeAtomically(target, bytes);
    }
  }

  static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Files.createDirectories(target.toAbsolutePath().getParent());
    Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), ".tmp-", "");
    try {
      try (OutputStream out = new NamedFileStream(Files.newOutputStream(temp), target)) {
        out.write(bytes);
      }
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
