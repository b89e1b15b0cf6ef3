package dev.kiln.core.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.cache.store.TreeDeletion;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.core.image.ParallelFetch;
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
 * and the mode the umask gives a new file, so no bytes are copied) and otherwise copied through a
 * temp file. Every file gets the mode the umask gives it ({@link TempSibling}). {@code index.json}
 * is replaced last and atomically, so a reader never sees a tag pointing at missing blobs. Existing
 * entries with other tags survive, as with {@code skopeo copy} into a layout.
 */
public final class OciLayoutWriter implements ImageOutput {
  static final String REF_NAME = "org.opencontainers.image.ref.name";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final DescriptorAnnotations annotations;

  public OciLayoutWriter(Path dir) {
    this(dir, DescriptorAnnotations.NONE);
  }

  /**
   * @param annotations what {@code index.json}'s descriptor of the image (or of the index) gets
   */
  public OciLayoutWriter(Path dir, DescriptorAnnotations annotations) {
    this.dir = dir;
    this.annotations = annotations;
  }

  @Override
  public String describe() {
    return "oci layout " + dir;
  }

  @Override
  public boolean keepsAttestations() {
    return true;
  }

  @Override
  public void write(BuiltImage image, List<String> names) throws IOException {
    write(List.of(image), null, annotations.ofManifest(image.descriptor()), names);
  }

  /**
   * {@inheritDoc}
   *
   * <p>As BuildKit's OCI exporter does, {@code index.json} points at the image index, kept as a
   * blob, and the index at each platform's manifest.
   */
  @Override
  public void writeIndex(BuiltIndex index, List<String> names) throws IOException {
    write(
        index.images(),
        index.index().raw().toByteArray(),
        annotations.ofIndex(index.descriptor()),
        names);
  }

  /**
   * A failure to write (a full disk) names the layout directory; a layout directory this call
   * created is removed again, so a failed output leaves nothing under its name.
   */
  private void write(List<BuiltImage> images, byte[] indexBytes, Descriptor top, List<String> names)
      throws IOException {
    boolean created = !Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    try {
      writeLayout(images, indexBytes, top, names);
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
      List<BuiltImage> images, byte[] indexBytes, Descriptor top, List<String> names)
      throws IOException {
    Files.createDirectories(dir.resolve("blobs").resolve("sha256"));
    // Blobs before the manifests that name them, manifests before the index: a reader that
    // follows index.json never meets a missing blob.
    for (BuiltImage image : images) {
      ParallelFetch.fetchAll(image.blobs(), missing(image));
      for (Descriptor layer : image.manifest().layers()) {
        putBlob(image, layer);
      }
      putBytes(image.config().raw().toByteArray(), image.manifest().config());
      putBytes(image.manifest().raw().toByteArray(), image.descriptor());
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
    List<TagNames.LayoutName> layoutNames = TagNames.layoutNames(names);
    List<String> tags = layoutNames.stream().map(TagNames.LayoutName::tag).toList();
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
    if (layoutNames.isEmpty()) {
      manifests.add(descriptorNode(top, null));
    }
    for (TagNames.LayoutName name : layoutNames) {
      manifests.add(descriptorNode(top, name));
    }
    return JSON.writeValueAsBytes(index);
  }

  /** The descriptor of {@code top} in an {@code index.json}, named {@code name} (null: no name). */
  static ObjectNode descriptorNode(Descriptor top, TagNames.LayoutName name) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", top.mediaType());
    node.put("digest", top.digest().toString());
    node.put("size", top.size());
    if (!top.annotations().isEmpty() || name != null) {
      ObjectNode annotations = node.putObject("annotations");
      new java.util.TreeMap<>(top.annotations()).forEach(annotations::put);
    }
    if (name != null) {
      ObjectNode annotations = (ObjectNode) node.get("annotations");
      if (!name.fullName().isEmpty()) {
        annotations.put(TagNames.CONTAINERD_NAME, name.fullName());
      }
      annotations.put(REF_NAME, name.tag());
    }
    return node;
  }

  private Path blobPath(Descriptor d) {
    return dir.resolve("blobs").resolve(d.digest().algorithm()).resolve(d.digest().hex());
  }

  /** The layers the layout does not have yet. */
  private List<Descriptor> missing(BuiltImage image) throws IOException {
    List<Descriptor> missing = new ArrayList<>();
    for (Descriptor layer : image.manifest().layers()) {
      if (!isPresent(layer)) {
        missing.add(layer);
      }
    }
    return missing;
  }

  private boolean isPresent(Descriptor blob) throws IOException {
    Path target = blobPath(blob);
    return Files.isRegularFile(target) && Files.size(target) == blob.size();
  }

  private void putBlob(BuiltImage image, Descriptor blob) throws IOException {
    Path target = blobPath(blob);
    if (isPresent(blob)) {
      return;
    }
    Files.createDirectories(target.getParent());
    // Made first: its mode is what the umask gives a new file, which a link must have too.
    Path temp = TempSibling.create(target);
    try {
      // A blob the source keeps (kiln's store, fetching it first) is linked, not written again.
      Optional<Path> local = image.blobs().fetchedFile(blob);
      if (local.isPresent() && sameMode(local.get(), temp)) {
        try {
          Path link =
              target.resolveSibling(
                  target.getFileName() + ".link-" + ProcessHandle.current().pid());
          Files.deleteIfExists(link);
          Files.createLink(link, local.get());
          move(link, target);
          return;
        } catch (IOException | UnsupportedOperationException e) {
          // Different file system or no hard links: fall through to copying.
        }
      }
      try (InputStream in = image.blobs().open(blob);
          OutputStream out = new NamedFileStream(Files.newOutputStream(temp), dir)) {
        in.transferTo(out);
      }
      move(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Whether a hard link to {@code stored} would have the mode a new file gets: a blob of kiln's
   * store written under another umask is copied instead, so the layout follows this one.
   */
  private static boolean sameMode(Path stored, Path fresh) {
    try {
      return Files.getPosixFilePermissions(stored).equals(Files.getPosixFilePermissions(fresh));
    } catch (IOException | UnsupportedOperationException e) {
      return false;
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
    Path temp = TempSibling.create(target);
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
