package dev.kiln.api.place;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.cache.store.VerifyingInputStream;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads an OCI image layout directory: {@code index.json} names images (by the {@code
 * org.opencontainers.image.ref.name} annotation), {@code blobs/<alg>/<hex>} holds everything.
 * kiln's content store is one, with full references as names, and so is an unpacked archive.
 */
final class LayoutReader implements PlaceReader {
  static final String REF_NAME = IndexEntry.REF_NAME;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final String description;

  LayoutReader(Path dir, String description) {
    this.dir = dir;
    this.description = description;
  }

  Path dir() {
    return dir;
  }

  @Override
  public String describe() {
    return description;
  }

  /** Whether {@code dir} looks like an OCI layout. */
  static boolean isLayout(Path dir) {
    return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("index.json"));
  }

  /** The names {@code index.json} gives its images (a digest for unnamed ones). */
  List<String> names() throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode entry : entries()) {
      names.add(entry.path("annotations").path(REF_NAME).asText(entry.path("digest").asText()));
    }
    return names;
  }

  /**
   * The descriptor {@code index.json} has for {@code selector}: a name, {@code @sha256:…}, or empty
   * for the only image (several entries naming one manifest, as an archive written with several
   * tags has, count as one), else the one named {@code latest}.
   *
   * @throws ImageNotFoundException naming what the layout holds instead
   */
  Descriptor select(String selector) throws IOException {
    List<JsonNode> entries = entries();
    JsonNode chosen = null;
    if (selector.startsWith("@")) {
      String digest = selector.substring(1);
      for (JsonNode e : entries) {
        if (e.path("digest").asText().equals(digest)) {
          chosen = e;
        }
      }
      if (chosen == null && Files.isRegularFile(blobPath(Digest.parse(digest)))) {
        return Descriptor.of("", Digest.parse(digest), Files.size(blobPath(Digest.parse(digest))));
      }
    } else if (selector.isEmpty()) {
      if (entries.stream().map(e -> e.path("digest").asText()).distinct().count() == 1) {
        chosen = entries.get(0);
      } else {
        chosen = named(entries, "latest").orElse(null);
      }
    } else {
      chosen = named(entries, selector).orElse(null);
    }
    if (chosen == null) {
      List<String> names = names();
      throw new ImageNotFoundException(
          "no image " + (selector.isEmpty() ? "(no name given)" : selector) + " in " + description,
          names.isEmpty()
              ? "it holds no images"
              : "it holds: "
                  + String.join(", ", names)
                  + (selector.isEmpty() ? "; name one with SRC:NAME" : ""));
    }
    return Descriptor.of(
        chosen.path("mediaType").asText(MediaType.OCI_MANIFEST),
        Digest.parse(chosen.path("digest").asText()),
        chosen.path("size").asLong());
  }

  /**
   * The entry whose {@code ref.name} is {@code name}, else the one whose whole name ({@code
   * io.containerd.image.name}, as kiln, BuildKit and Docker write it) is {@code name} read as an
   * image reference ({@code app:1} matches {@code docker.io/library/app:1}).
   */
  private static Optional<JsonNode> named(List<JsonNode> entries, String name) {
    Optional<JsonNode> byRefName =
        entries.stream()
            .filter(e -> name.equals(e.path("annotations").path(REF_NAME).asText(null)))
            .findFirst();
    if (byRefName.isPresent()) {
      return byRefName;
    }
    Optional<String> wanted =
        ArchiveNames.fullName(
            JSON.createObjectNode()
                .set("annotations", JSON.createObjectNode().put(REF_NAME, name)));
    return wanted.flatMap(
        w ->
            entries.stream()
                .filter(e -> ArchiveNames.fullName(e).equals(Optional.of(w)))
                .findFirst());
  }

  /** The descriptors of {@code index.json}, in file order. */
  List<JsonNode> entries() throws IOException {
    Path index = dir.resolve("index.json");
    if (!Files.isRegularFile(index)) {
      throw new ImageNotFoundException(
          dir + " is not an OCI image layout (it has no index.json)",
          "point at a directory written by kiln, skopeo or buildx --output type=oci,tar=false");
    }
    List<JsonNode> entries = new ArrayList<>();
    JSON.readTree(index.toFile()).path("manifests").forEach(entries::add);
    return entries;
  }

  Path blobPath(Digest digest) {
    return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  @Override
  public byte[] readManifest(Descriptor descriptor) throws IOException {
    return readBlob(descriptor);
  }

  @Override
  public byte[] readBlob(Descriptor descriptor) throws IOException {
    try (InputStream in = open(descriptor)) {
      return in.readAllBytes();
    }
  }

  private InputStream open(Descriptor descriptor) throws IOException {
    try {
      return new VerifyingInputStream(
          Files.newInputStream(blobPath(descriptor.digest())),
          descriptor.digest(),
          VerifyingInputStream.UNKNOWN_SIZE);
    } catch (NoSuchFileException e) {
      throw missing(descriptor);
    }
  }

  private ImageNotFoundException missing(Descriptor descriptor) {
    return new ImageNotFoundException(
        "blob " + descriptor.digest() + " is missing from " + description,
        "the layout is incomplete; write or copy it again");
  }

  @Override
  public BlobSource blobs() {
    return new BlobSource() {
      @Override
      public InputStream open(Descriptor descriptor) throws IOException {
        return LayoutReader.this.open(descriptor);
      }

      @Override
      public Optional<Path> localFile(Descriptor descriptor) {
        Path file = blobPath(descriptor.digest());
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
      }
    };
  }

  @Override
  public BlobToPush blobToPush(Descriptor descriptor) throws IOException {
    Path file = blobPath(descriptor.digest());
    if (!Files.isRegularFile(file)) {
      throw missing(descriptor);
    }
    return BlobToPush.of(descriptor, dev.kiln.registry.client.BlobContent.ofFile(file));
  }
}
