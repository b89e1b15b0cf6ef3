package dev.kiln.registry.client;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.JsonBytes;
import dev.kiln.registry.reference.ImageReference;
import java.util.Objects;

/**
 * A blob an image needs in the target repository: its descriptor, where its bytes come from, and
 * optionally a repository on the same registry that already has it (so it can be mounted instead of
 * uploaded). The source is opened only if the blob is neither there nor mountable.
 *
 * @param mountFrom a repository that has the blob (usually the base image's), or null
 */
public record BlobToPush(Descriptor descriptor, BlobSource source, ImageReference mountFrom) {
  public BlobToPush {
    Objects.requireNonNull(descriptor, "descriptor");
    Objects.requireNonNull(source, "source");
  }

  public static BlobToPush of(Descriptor descriptor, BlobSource source) {
    return new BlobToPush(descriptor, source, null);
  }

  /** A JSON blob held in memory, typically the image config. */
  public static BlobToPush json(String mediaType, JsonBytes bytes) {
    return new BlobToPush(
        Descriptor.of(mediaType, bytes), BlobSource.ofBytes(bytes.toByteArray()), null);
  }
}
