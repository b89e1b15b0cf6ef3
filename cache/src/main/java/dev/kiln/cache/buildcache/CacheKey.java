package dev.kiln.cache.buildcache;

import dev.kiln.registry.model.Digest;
import java.util.Objects;

/**
 * The identity of a build step's result: the sha256 of everything that can change what the step
 * produces (see {@link CacheKeyBuilder}). Two steps with equal keys produce the same layers and
 * config, so one's recorded result may stand in for the other's.
 *
 * @param digest the sha256 over the step's framed key parts
 */
public record CacheKey(Digest digest) {
  public CacheKey {
    Objects.requireNonNull(digest, "digest");
    if (!digest.algorithm().equals("sha256")) {
      throw new IllegalArgumentException("a cache key is a sha256 digest, not " + digest);
    }
  }

  /** Parses the text form {@code sha256:<hex>}. */
  public static CacheKey parse(String text) {
    return new CacheKey(Digest.parse(text));
  }

  @Override
  public String toString() {
    return digest.toString();
  }
}
