package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.cache.store.CacheMounts;
import dev.kiln.cache.store.UnpackedLayers;
import dev.kiln.registry.model.Digest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrunePolicyTest {
  private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");
  private static final Digest X = Digest.sha256(new byte[] {1});
  private static final Digest Y = Digest.sha256(new byte[] {2});
  private static final Digest Z = Digest.sha256(new byte[] {3});

  private static PrunePolicy.Candidate entry(
      String name, Duration unused, Map<Digest, Long> blobs) {
    return PrunePolicy.Candidate.entry(TestResults.key(name), NOW.minus(unused), blobs, false);
  }

  private static final PrunePolicy.Candidate OLD =
      entry("old", Duration.ofDays(10), Map.of(X, 100L));
  private static final PrunePolicy.Candidate MID =
      entry("mid", Duration.ofHours(30), Map.of(X, 100L, Y, 50L));
  private static final PrunePolicy.Candidate NEW =
      entry("new", Duration.ofMinutes(5), Map.of(Z, 10L));
  private static final PrunePolicy.Candidate BROKEN =
      PrunePolicy.Candidate.entry(TestResults.key("broken"), NOW, Map.of(), true);
  private static final List<PrunePolicy.Candidate> ALL = List.of(OLD, MID, NEW, BROKEN);

  /** The store of these tests holds exactly the entries' distinct blobs: X + Y + Z. */
  private static final long STORE = 160;

  private static Set<PruneItem> select(boolean all, OptionalLong keep, Optional<Duration> until) {
    return PrunePolicy.select(ALL, new PruneOptions(all, keep, until, Duration.ZERO), NOW, STORE);
  }

  private static Set<PruneItem> keys(PrunePolicy.Candidate... cs) {
    java.util.LinkedHashSet<PruneItem> out = new java.util.LinkedHashSet<>();
    for (PrunePolicy.Candidate c : cs) {
      out.add(c.item());
    }
    return out;
  }

  @Test
  void withoutOptionsOnlyBrokenEntriesGo() {
    assertEquals(keys(BROKEN), select(false, OptionalLong.empty(), Optional.empty()));
  }

  @Test
  void allRemovesEverything() {
    assertEquals(keys(BROKEN, OLD, MID, NEW), select(true, OptionalLong.empty(), Optional.empty()));
  }

  @Test
  void untilRemovesEntriesUnusedForThatLong() {
    assertEquals(
        keys(BROKEN, OLD, MID),
        select(false, OptionalLong.empty(), Optional.of(Duration.ofHours(24))));
    assertEquals(
        keys(BROKEN, OLD), select(true, OptionalLong.empty(), Optional.of(Duration.ofDays(2))));
  }

  @Test
  void anEntryUsedExactlyAtTheLimitIsEligible() {
    PrunePolicy.Candidate edge = entry("edge", Duration.ofHours(1), Map.of());
    assertEquals(
        keys(edge),
        PrunePolicy.select(
            List.of(edge),
            new PruneOptions(
                false, OptionalLong.empty(), Optional.of(Duration.ofHours(1)), Duration.ZERO),
            NOW,
            STORE));
  }

  @Test
  void keepStorageEvictsLeastRecentlyUsedCountingSharedBlobsOnce() {
    // Distinct blobs: X 100 + Y 50 + Z 10 = 160.
    assertEquals(keys(BROKEN), select(false, OptionalLong.of(160), Optional.empty()));
    // Removing OLD frees nothing (X is shared with MID), so MID must go too.
    assertEquals(keys(BROKEN, OLD, MID), select(false, OptionalLong.of(159), Optional.empty()));
    assertEquals(keys(BROKEN, OLD, MID, NEW), select(false, OptionalLong.of(0), Optional.empty()));
  }

  @Test
  void keepStorageOnlyEvictsEntriesTheUntilFilterAllows() {
    // NEW is too recent for the filter, so it stays even though the limit is not met.
    assertEquals(
        keys(BROKEN, OLD, MID),
        select(false, OptionalLong.of(0), Optional.of(Duration.ofHours(1))));
  }

  @Test
  void keepStorageCountsDirectoriesAndWhatElseTheStoreHolds() {
    UnpackedLayers.UnpackedLayer dir =
        new UnpackedLayers.UnpackedLayer(Path.of("layers", "a".repeat(64)), NOW, false);
    PrunePolicy.Candidate layer =
        new PrunePolicy.Candidate(
            new PruneItem.UnpackedLayer(dir),
            NOW.minus(Duration.ofDays(20)),
            Map.of(),
            1000,
            false);
    List<PrunePolicy.Candidate> all = List.of(OLD, MID, NEW, layer);
    PruneOptions keep1200 =
        new PruneOptions(false, OptionalLong.of(1200), Optional.empty(), Duration.ZERO);
    // 160 of blobs + 1000 of the layer + 500 of named images and bookkeeping: the layer, the
    // least recently used, goes first, and that is enough.
    assertEquals(Set.of(layer.item()), PrunePolicy.select(all, keep1200, NOW, 1660));
    // Named images alone take more than the limit: everything that can go goes, and no more.
    assertEquals(keys(layer, OLD, MID, NEW), PrunePolicy.select(all, keep1200, NOW, 5000));
  }

  @Test
  void mountsOnlyChoosesCacheMountsAndLeavesEntries() {
    PrunePolicy.Candidate mount =
        new PrunePolicy.Candidate(
            new PruneItem.CacheMount(
                new CacheMounts.CacheMount(
                    Path.of("mounts/cache/go-1"), NOW.minus(Duration.ofDays(3)))),
            NOW.minus(Duration.ofDays(3)),
            Map.of(),
            10,
            false);
    List<PrunePolicy.Candidate> all = List.of(OLD, MID, NEW, BROKEN, mount);
    assertEquals(
        keys(BROKEN, mount),
        PrunePolicy.select(all, PruneOptions.cacheMounts(Set.of(), Optional.empty()), NOW, STORE));
    assertEquals(
        keys(BROKEN),
        PrunePolicy.select(
            all, PruneOptions.cacheMounts(Set.of(), Optional.of(Duration.ofDays(4))), NOW, STORE));
  }
}
