package dev.kiln.cache.buildcache;

import dev.kiln.registry.model.Digest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Chooses which build cache entries a prune removes. A pure function of the entries, the options
 * and the current time (a parameter, never read from a clock here), so every rule is a unit test.
 *
 * <ul>
 *   <li>Broken entries (unreadable, or a blob gone) are always removed: they can never hit.
 *   <li>Eligible entries are all entries, or with {@code until} those not used for that long.
 *   <li>With {@code keepStorage}, eligible entries are removed least recently used first until the
 *       distinct blobs of the remaining entries fit (a blob shared by two entries counts once).
 *   <li>Otherwise with {@code all} or {@code until}, every eligible entry is removed.
 *   <li>With no option, nothing else is removed; the prune only collects unreferenced blobs.
 * </ul>
 */
public final class PrunePolicy {
  private PrunePolicy() {}

  /**
   * One entry as the policy sees it.
   *
   * @param key the entry's key
   * @param lastUsed when it was last written or hit
   * @param blobs the blobs it references, with their sizes
   * @param broken true if it can never be used (unreadable, or a blob missing)
   */
  public record Candidate(CacheKey key, Instant lastUsed, Map<Digest, Long> blobs, boolean broken) {
    public Candidate {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(lastUsed, "lastUsed");
      blobs = Map.copyOf(blobs);
    }
  }

  /** The keys to remove, broken ones first, then in the order they were chosen. */
  public static Set<CacheKey> select(List<Candidate> entries, PruneOptions options, Instant now) {
    Set<CacheKey> remove = new LinkedHashSet<>();
    List<Candidate> healthy = new ArrayList<>();
    for (Candidate c : entries) {
      if (c.broken()) {
        remove.add(c.key());
      } else {
        healthy.add(c);
      }
    }
    List<Candidate> eligible = new ArrayList<>();
    for (Candidate c : healthy) {
      if (options.until().isEmpty() || !c.lastUsed().isAfter(now.minus(options.until().get()))) {
        eligible.add(c);
      }
    }
    if (options.keepStorage().isPresent()) {
      evictUntilFits(healthy, eligible, options.keepStorage().getAsLong(), remove);
    } else if (options.all() || options.until().isPresent()) {
      eligible.forEach(c -> remove.add(c.key()));
    }
    return remove;
  }

  private static void evictUntilFits(
      List<Candidate> healthy, List<Candidate> eligible, long limit, Set<CacheKey> remove) {
    Map<Digest, Integer> references = new HashMap<>();
    Map<Digest, Long> sizes = new HashMap<>();
    long total = 0;
    for (Candidate c : healthy) {
      for (Map.Entry<Digest, Long> blob : c.blobs().entrySet()) {
        if (references.merge(blob.getKey(), 1, Integer::sum) == 1) {
          sizes.put(blob.getKey(), blob.getValue());
          total += blob.getValue();
        }
      }
    }
    List<Candidate> oldestFirst = new ArrayList<>(eligible);
    oldestFirst.sort(
        Comparator.comparing(Candidate::lastUsed).thenComparing(c -> c.key().toString()));
    for (Candidate c : oldestFirst) {
      if (total <= limit) {
        return;
      }
      remove.add(c.key());
      for (Digest blob : c.blobs().keySet()) {
        if (references.merge(blob, -1, Integer::sum) == 0) {
          total -= sizes.get(blob);
        }
      }
    }
  }
}
