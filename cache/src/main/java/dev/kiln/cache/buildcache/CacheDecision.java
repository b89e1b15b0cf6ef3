package dev.kiln.cache.buildcache;

import dev.kiln.registry.model.Digest;
import java.util.Map;
import java.util.Optional;

/**
 * The answer to "may this step's recorded result be reused?": a {@link Hit} with the result, or a
 * {@link Miss} with a reason the engine can log ("no entry", "blob sha256:… missing").
 *
 * <p>{@link #decide} makes the decision from facts gathered beforehand (the entry file's bytes, the
 * sizes of the blobs the store holds) and does no IO, like OkHttp's {@code CacheStrategy}: every
 * way a stale or broken entry can look is a unit test. A result whose blobs are not all in the
 * store, with the recorded sizes, is a miss: the engine never receives a result it cannot use.
 */
public sealed interface CacheDecision permits CacheDecision.Hit, CacheDecision.Miss {

  /** The recorded result, on a hit. */
  Optional<CacheResult> result();

  /** Whether the result may be reused. */
  default boolean isHit() {
    return result().isPresent();
  }

  /** A usable entry. */
  record Hit(CacheEntry entry) implements CacheDecision {
    @Override
    public Optional<CacheResult> result() {
      return Optional.of(entry.result());
    }
  }

  /**
   * No usable entry.
   *
   * @param reason why, for logs: {@code no entry}, {@code blob sha256:… missing}, …
   */
  record Miss(String reason) implements CacheDecision {
    @Override
    public Optional<CacheResult> result() {
      return Optional.empty();
    }
  }

  /**
   * Decides whether the entry stored for {@code key} may be used.
   *
   * @param key the key being looked up
   * @param entryBytes the entry file's content, empty if there is no file
   * @param storedSizes the size of each blob the store holds, for at least the blobs the entry
   *     references; a blob absent from the map is missing
   */
  static CacheDecision decide(
      CacheKey key, Optional<byte[]> entryBytes, Map<Digest, Long> storedSizes) {
    if (entryBytes.isEmpty()) {
      return new Miss("no entry");
    }
    CacheEntry entry;
    try {
      entry = CacheEntryJson.read(entryBytes.get());
    } catch (IllegalArgumentException e) {
      return new Miss("entry unreadable: " + e.getMessage());
    }
    if (!entry.key().equals(key)) {
      return new Miss("entry file records key " + entry.key() + ", not " + key);
    }
    for (CachedLayer layer : entry.result().layers()) {
      Digest blob = layer.blob().digest();
      Long size = storedSizes.get(blob);
      if (size == null) {
        return new Miss("blob " + blob + " missing from the store");
      }
      if (size != layer.blob().size()) {
        return new Miss(
            "blob "
                + blob
                + " has "
                + size
                + " bytes in the store, the entry says "
                + layer.blob().size());
      }
    }
    return new Hit(entry);
  }
}
