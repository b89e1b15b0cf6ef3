package dev.kiln.cache.buildcache;

import dev.kiln.cache.store.CacheMounts;
import dev.kiln.cache.store.UnpackedLayers;
import dev.kiln.registry.model.Digest;

/** Something a prune may remove to free space: one kind per record. */
public sealed interface PruneItem {
  /** A build cache entry. */
  record Entry(CacheKey key) implements PruneItem {}

  /** An image kept in {@code index.json} by its digest only (built or pulled without a name). */
  record UntaggedImage(Digest digest) implements PruneItem {}

  /** A layer unpacked for RUN steps; derived data, unpacked again when needed. */
  record UnpackedLayer(UnpackedLayers.UnpackedLayer layer) implements PruneItem {}

  /** The contents of a {@code RUN --mount=type=cache} cache. */
  record CacheMount(CacheMounts.CacheMount mount) implements PruneItem {}
}
