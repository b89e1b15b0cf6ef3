package dev.kiln.core.image;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;

/**
 * One layer of an image as the builder tracks it: the blob's descriptor (what a manifest lists),
 * its diffID (what the config's {@code rootfs.diff_ids} lists) and, for layers this build wrote,
 * the uncompressed size (0 when unknown, as for base layers).
 */
public record LayerRef(Descriptor blob, Digest diffId, long uncompressedSize) {
  public LayerRef(Descriptor blob, Digest diffId) {
    this(blob, diffId, 0);
  }
}
