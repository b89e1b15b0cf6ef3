package dev.kiln.cache.buildcache;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A build cache entry file as found on disk, readable or not (for {@code kiln cache du} and prune).
 *
 * @param key the key the file is named after
 * @param entry the parsed entry, empty if the file could not be read
 * @param problem why the entry could not be read, empty if it was read
 * @param lastUsed when the entry was last written or hit (the file's modification time)
 * @param file where the entry lives
 */
public record StoredEntry(
    CacheKey key,
    Optional<CacheEntry> entry,
    Optional<String> problem,
    Instant lastUsed,
    Path file) {
  public StoredEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(lastUsed, "lastUsed");
    if (entry.isPresent() == problem.isPresent()) {
      throw new IllegalArgumentException("an entry is either readable or has a problem");
    }
  }
}
