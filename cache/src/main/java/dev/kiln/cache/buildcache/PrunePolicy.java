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
 * Chooses what a prune removes: build cache entries, untagged images, unpacked layers and cache
 * mounts. A pure function of the candidates, the options, the current time (a parameter, never read
 * from a clock here) and the store's size, so every rule is a unit test.
 *
 * <ul>
 *   <li>Broken entries (unreadable, or a blob gone) are always removed: they can never hit.
 *   <li>Eligible are all candidates, or with {@code until} those not used for that long; with
 *       {@code mountsOnly} only cache mounts (the caller passes those the ids allow).
 *   <li>With {@code keepStorage}, eligible candidates are removed least recently used first until
 *       the store fits: removing one frees its own bytes and the blobs no remaining candidate
 *       references (a blob shared by two entries counts once; blobs of named images are never
 *       candidates' to free).
 *   <li>Otherwise with {@code all}, {@code until} or {@code mountsOnly}, every eligible candidate
 *       is removed.
 *   <li>With no option, nothing else is removed; the prune only collects unreferenced blobs.
 * </ul>
 */
public final class PrunePolicy {
  private PrunePolicy() {}

  /**
   * One thing a prune may remove, as the policy sees it.
   *
   * @param item what it is
   * @param lastUsed when it was last written or used
   * @param blobs the blobs it references, with the bytes each takes on disk; none for a directory
   * @param bytes what it takes on disk itself (a directory's files), beside its blobs
   * @param broken true if it can never be used (unreadable, or a blob missing)
   */
  public record Candidate(
      PruneItem item, Instant lastUsed, Map<Digest, Long> blobs, long bytes, boolean broken) {
    public Candidate {
      Objects.requireNonNull(item, "item");
      Objects.requireNonNull(lastUsed, "lastUsed");
      blobs = Map.copyOf(blobs);
    }

    /** A build cache entry. */
    public static Candidate entry(
        CacheKey key, Instant lastUsed, Map<Digest, Long> blobs, boolean broken) {
      return new Candidate(new PruneItem.Entry(key), lastUsed, blobs, 0, broken);
    }
  }

  /**
   * What to remove, broken entries first, then in the order chosen.
   *
   * @param storeBytes what the store takes on disk now, less what the prune frees anyway (old blobs
   *     nothing references): the size {@code keepStorage} is compared with
   */
  public static Set<PruneItem> select(
      List<Candidate> candidates, PruneOptions options, Instant now, long storeBytes) {
    Set<PruneItem> remove = new LinkedHashSet<>();
    List<Candidate> healthy = new ArrayList<>();
    for (Candidate c : candidates) {
      if (c.broken()) {
        remove.add(c.item());
      } else {
        healthy.add(c);
      }
    }
    List<Candidate> eligible = new ArrayList<>();
    for (Candidate c : healthy) {
      boolean kind = !options.mountsOnly() || c.item() instanceof PruneItem.CacheMount;
      boolean unused =
          options.until().isEmpty() || !c.lastUsed().isAfter(now.minus(options.until().get()));
      if (kind && unused) {
        eligible.add(c);
      }
    }
    if (options.keepStorage().isPresent()) {
      evictUntilFits(healthy, eligible, options.keepStorage().getAsLong(), storeBytes, remove);
    } else if (options.all() || options.until().isPresent() || options.mountsOnly()) {
      eligible.forEach(c -> remove.add(c.item()));
    }
    return remove;
  }

  private static void evictUntilFits(
      List<Candidate> healthy,
      List<Candidate> eligible,
      long limit,
      long storeBytes,
      Set<PruneItem> remove) {
    Map<Digest, Integer> references = new HashMap<>();
    Map<Digest, Long> sizes = new HashMap<>();
    for (Candidate c : healthy) {
      for (Map.Entry<Digest, Long> blob : c.blobs().entrySet()) {
        references.merge(blob.getKey(), 1, Integer::sum);
        sizes.put(blob.getKey(), blob.getValue());
      }
    }
    long total = storeBytes;
    List<Candidate> oldestFirst = new ArrayList<>(eligible);
    oldestFirst.sort(
        Comparator.comparing(Candidate::lastUsed).thenComparing(c -> c.item().toString()));
    for (Candidate c : oldestFirst) {
      if (total <= limit) {
        return;
      }
      remove.add(c.item());
      total -= c.bytes();
      for (Digest blob : c.blobs().keySet()) {
        if (references.merge(blob, -1, Integer::sum) == 0) {
          total -= sizes.get(blob);
        }
      }
    }
  }
}
