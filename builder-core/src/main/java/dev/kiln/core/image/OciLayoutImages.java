package dev.kiln.core.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.cache.store.VerifyingInputStream;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads images from an OCI image layout directory ({@code FROM oci-layout://DIR:TAG}, {@code
 * --build-context x=oci-layout://DIR@sha256:…}, kiln's own store): picks the {@code index.json}
 * entry by tag or digest, descends through nested indexes to the manifest for the platform, and
 * reads blobs from {@code blobs/}, verified.
 */
public final class OciLayoutImages {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REF_NAME = "org.opencontainers.image.ref.name";

  private OciLayoutImages() {}

  /**
   * Resolves {@code selector} ({@code ""}, {@code ":tag"}, {@code "@sha256:…"}, or a bare tag) in
   * the layout at {@code dir} for {@code platform}.
   *
   * @throws ImageNotFoundException naming what exists instead
   */
  public static ResolvedImage resolve(Path dir, String selector, Platform platform)
      throws IOException {
    Path indexFile = dir.resolve("index.json");
    if (!Files.isRegularFile(indexFile)) {
      throw new ImageNotFoundException(
          dir + " is not an OCI image layout (no index.json)",
          "point oci-layout:// at a directory written by kiln, skopeo or buildx --output type=oci,tar=false");
    }
    JsonNode index = JSON.readTree(indexFile.toFile());
    List<JsonNode> entries = new ArrayList<>();
    index.path("manifests").forEach(entries::add);
    String wanted = selector.startsWith(":") ? selector.substring(1) : selector;
    JsonNode chosen = null;
    if (wanted.startsWith("@")) {
      String digest = wanted.substring(1);
      chosen =
          entries.stream()
              .filter(e -> e.path("digest").asText().equals(digest))
              .findFirst()
              .orElse(null);
      if (chosen == null && Files.exists(blobPath(dir, Digest.parse(digest)))) {
        // A digest that is only a blob (a platform manifest inside an index) is fine too.
        chosen = JSON.createObjectNode().put("digest", digest).put("mediaType", "");
      }
    } else if (wanted.isEmpty()) {
      if (entries.size() == 1) {
        chosen = entries.get(0);
      } else {
        chosen =
            entries.stream()
                .filter(e -> "latest".equals(e.path("annotations").path(REF_NAME).asText(null)))
                .findFirst()
                .orElse(null);
      }
    } else {
      chosen =
          entries.stream()
              .filter(e -> wanted.equals(e.path("annotations").path(REF_NAME).asText(null)))
              .findFirst()
              .orElse(null);
    }
    if (chosen == null) {
      List<String> tags = new ArrayList<>();
      entries.forEach(
          e -> tags.add(e.path("annotations").path(REF_NAME).asText(e.path("digest").asText())));
      throw new ImageNotFoundException(
          "no image " + (wanted.isEmpty() ? "(no tag given)" : wanted) + " in OCI layout " + dir,
          tags.isEmpty() ? "the layout is empty" : "it holds: " + String.join(", ", tags));
    }
    BlobSource blobs = new LayoutBlobSource(dir);
    Digest digest = Digest.parse(chosen.path("digest").asText());
    return fromManifestDigest(dir, blobs, digest, platform, "oci-layout://" + dir + selector);
  }

  private static ResolvedImage fromManifestDigest(
      Path dir, BlobSource blobs, Digest digest, Platform platform, String source)
      throws IOException {
    byte[] bytes = readBlob(dir, digest);
    String mediaType = JSON.readTree(bytes).path("mediaType").asText("");
    if (MediaType.isIndex(mediaType) || JSON.readTree(bytes).has("manifests")) {
      ImageIndex index =
          ImageIndex.parse(bytes, mediaType.isEmpty() ? MediaType.OCI_INDEX : mediaType);
      Optional<Descriptor> match = index.manifestFor(platform);
      if (match.isEmpty()) {
        throw new ImageNotFoundException(
            source + " has no image for platform " + platform,
            "it has: " + index.platforms() + "; pass --platform to choose one");
      }
      return fromManifestDigest(dir, blobs, match.get().digest(), platform, source);
    }
    ImageManifest manifest =
        ImageManifest.parse(bytes, mediaType.isEmpty() ? MediaType.OCI_MANIFEST : mediaType);
    ImageConfig config = ImageConfig.parse(readBlob(dir, manifest.config().digest()));
    return new ResolvedImage(source, manifest, config, blobs);
  }

  private static byte[] readBlob(Path dir, Digest digest) throws IOException {
    try (InputStream in = new LayoutBlobSource(dir).open(Descriptor.of("", digest, 0))) {
      return in.readAllBytes();
    }
  }

  static Path blobPath(Path dir, Digest digest) {
    return dir.resolve("blobs").resolve(digest.algorithm()).resolve(digest.hex());
  }

  /** Blobs of one layout directory, each checked against its digest while read. */
  private record LayoutBlobSource(Path dir) implements BlobSource {
    @Override
    public InputStream open(Descriptor descriptor) throws IOException {
      Path file = blobPath(dir, descriptor.digest());
      try {
        return new VerifyingInputStream(
            Files.newInputStream(file), descriptor.digest(), VerifyingInputStream.UNKNOWN_SIZE);
      } catch (NoSuchFileException e) {
        throw new ImageNotFoundException(
            "blob " + descriptor.digest() + " is missing from OCI layout " + dir,
            "the layout is incomplete; copy it again");
      }
    }

    @Override
    public Optional<Path> localFile(Descriptor descriptor) {
      Path file = blobPath(dir, descriptor.digest());
      return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }
  }
}
