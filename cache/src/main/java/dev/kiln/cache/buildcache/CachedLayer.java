package dev.kiln.cache.buildcache;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import java.util.Objects;

/**
 * One layer a cached step produced.
 *
 * @param blob the compressed layer blob as a manifest lists it (media type, digest, size); the blob
 *     is in the content store
 * @param diffId sha256 of the uncompressed tar, the config's {@code rootfs.diff_ids} entry
 * @param uncompressedSize the uncompressed tar's size in bytes
 */
public record CachedLayer(Descriptor blob, Digest diffId, long uncompressedSize) {
  public CachedLayer {
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(diffId, "diffId");
    if (uncompressedSize < 0) {
      throw new IllegalArgumentException("negative uncompressed size for " + diffId);
    }
  }
}
