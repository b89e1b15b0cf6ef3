package dev.kiln.core.layer;

import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.Digest;
import java.util.List;

/**
 * A layer blob in the content store, with what a manifest and an image config need about it.
 *
 * @param digest the compressed blob's digest (manifest {@code layers[].digest})
 * @param size the compressed blob's size in bytes
 * @param mediaType the layer media type (manifest {@code layers[].mediaType})
 * @param diffId sha256 of the uncompressed tar (config {@code rootfs.diff_ids})
 * @param uncompressedSize the uncompressed tar's size
 * @param compression the blob's compression
 * @param reused true if the blob was already recorded for this diffID and nothing new was stored
 * @param contents the entries as written and where each one's data starts in the tar, for the
 *     layer's index; null when they were not written this time
 */
public record WrittenLayer(
    Digest digest,
    long size,
    String mediaType,
    Digest diffId,
    long uncompressedSize,
    Compression compression,
    boolean reused,
    TarContents contents) {

  /** What a layer's tar holds: its entries' headers, in order, and their data offsets. */
  public record TarContents(List<LayerEntry> headers, long[] dataOffsets) {}

  /** The blob's identity; {@link #contents} is a by-product of writing it, not part of it. */
  @Override
  public boolean equals(Object o) {
    return o instanceof WrittenLayer w
        && digest.equals(w.digest)
        && size == w.size
        && mediaType.equals(w.mediaType)
        && diffId.equals(w.diffId)
        && uncompressedSize == w.uncompressedSize
        && compression == w.compression
        && reused == w.reused;
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        digest, size, mediaType, diffId, uncompressedSize, compression, reused);
  }

  @Override
  public String toString() {
    return "WrittenLayer[digest="
        + digest
        + ", size="
        + size
        + ", mediaType="
        + mediaType
        + ", diffId="
        + diffId
        + ", uncompressedSize="
        + uncompressedSize
        + ", compression="
        + compression
        + ", reused="
        + reused
        + "]";
  }
}
