package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;

/**
 * What an uncompressed layer became once compressed: the blob to reuse instead of compressing the
 * same tar again.
 *
 * <p>Reusing the recorded blob also keeps image digests stable where compressors differ: two hosts
 * whose zlib builds produce different gzip bytes for the same tar still agree once one of them
 * imports the other's record.
 *
 * @param diffId sha256 of the uncompressed tar (the image config's {@code rootfs.diff_ids} entry)
 * @param compression the compression kind, a short lowercase name such as {@code gzip}
 * @param digest the compressed blob's digest
 * @param size the compressed blob's size in bytes
 * @param mediaType the layer media type to put in a manifest for this blob
 * @param uncompressedSize the uncompressed tar's size in bytes
 */
public record LayerRecord(
    Digest diffId,
    String compression,
    Digest digest,
    long size,
    String mediaType,
    long uncompressedSize) {
  public LayerRecord {
    if (diffId == null || digest == null || compression == null || mediaType == null) {
      throw new IllegalArgumentException(
          "a layer record needs diffId, compression, digest and media type");
    }
    if (size < 0 || uncompressedSize < 0) {
      throw new IllegalArgumentException("negative size in layer record for " + diffId);
    }
  }
}
