package dev.kiln.cache.buildcache;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored build cache entry: a key, its result, and when it was recorded.
 *
 * @param key the step's cache key
 * @param result what the step produced
 * @param created when the entry was written
 */
public record CacheEntry(CacheKey key, CacheResult result, Instant created) {
  public CacheEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(created, "created");
  }
}
