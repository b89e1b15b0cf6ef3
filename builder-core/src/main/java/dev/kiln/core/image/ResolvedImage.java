package dev.kiln.core.image;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;

/**
 * A base image as FROM sees it: its platform manifest and config (read eagerly, they are small) and
 * a lazy way to its layers. {@code source} says where it came from, for messages.
 */
public record ResolvedImage(
    String source, ImageManifest manifest, ImageConfig config, BlobSource blobs) {
  public Digest digest() {
    return manifest.raw().digest();
  }

  public Descriptor descriptor() {
    return Descriptor.of(manifest.mediaType(), digest(), manifest.raw().size());
  }
}
