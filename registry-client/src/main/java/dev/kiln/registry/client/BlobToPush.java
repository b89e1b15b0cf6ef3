package dev.kiln.registry.client;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.JsonBytes;
import dev.kiln.registry.reference.ImageReference;
import java.util.Objects;

/**
 * A blob an image needs in the target repository: its descriptor, where its bytes come from, and
 * optionally a repository on the same registry that already has it (so it can be mounted instead of
 * uploaded). The content is opened only if the blob is neither there nor mountable.
 *
 * @param mountFrom a repository that has the blob (usually the base image's), or null
 */
public record BlobToPush(Descriptor descriptor, BlobContent content, ImageReference mountFrom) {
  public BlobToPush {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(content, "content");
  }

  public static BlobToPush of(Descriptor descriptor, BlobContent content) {
    return new BlobToPush(descriptor, content, null);
  }

  /** A JSON blob held in memory, typically the image config. */
  public static BlobToPush json(String mediaType, JsonBytes bytes) {
    return new BlobToPush(
        Descriptor.of(mediaType, bytes), BlobContent.ofBytes(bytes.toByteArray()), null);
  }
}
