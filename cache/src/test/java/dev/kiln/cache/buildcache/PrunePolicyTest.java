package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.registry.model.Digest;
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
    return new PrunePolicy.Candidate(TestResults.key(name), NOW.minus(unused), blobs, false);
  }

  private static final PrunePolicy.Candidate OLD =
      entry("old", Duration.ofDays(10), Map.of(X, 100L));
  private static final PrunePolicy.Candidate MID =
      entry("mid", Duration.ofHours(30), Map.of(X, 100L, Y, 50L));
  private static final PrunePolicy.Candidate NEW =
      entry("new", Duration.ofMinutes(5), Map.of(Z, 10L));
  private static final PrunePolicy.Candidate BROKEN =
      new PrunePolicy.Candidate(TestResults.key("broken"), NOW, Map.of(), true);
  private static final List<PrunePolicy.Candidate> ALL = List.of(OLD, MID, NEW, BROKEN);

  private static Set<CacheKey> select(boolean all, OptionalLong keep, Optional<Duration> until) {
    return PrunePolicy.select(ALL, new PruneOptions(all, keep, until, Duration.ZERO), NOW);
  }

  private static Set<CacheKey> keys(PrunePolicy.Candidate... cs) {
    java.util.LinkedHashSet<CacheKey> out = new java.util.LinkedHashSet<>();
    for (PrunePolicy.Candidate c : cs) {
      out.add(c.key());
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
            NOW));
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
}
