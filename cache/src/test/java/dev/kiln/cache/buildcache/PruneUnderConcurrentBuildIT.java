package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build in another process writes blobs and records cache entries while this process prunes the
 * same store over and over. Many of the build's layers have bytes the store already holds as old,
 * unreferenced blobs, which a careless prune would delete between the build finding them and
 * recording them.
 */
class PruneUnderConcurrentBuildIT {
  private static final int ROUNDS = 150;
  private static final Instant LONG_AGO = Instant.parse("2001-01-01T00:00:00Z");

  @TempDir Path dir;

  @Test
  void theBuildNeverLosesABlobAndGarbageIsStillCollected() throws Exception {
    Path root = dir.resolve("store");
    ContentStore store = ContentStore.open(root);
    for (int i = 0; i < ROUNDS; i++) {
      Digest old = store.blobWriter().write(CacheWriterMain.reusedContent(i)).digest();
      TestResults.age(store, old, LONG_AGO);
    }
    List<Digest> garbage = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Digest g =
          store.blobWriter().write(("garbage " + i).getBytes(StandardCharsets.UTF_8)).digest();
      TestResults.age(store, g, LONG_AGO);
      garbage.add(g);
    }
    BuildCache cache = BuildCache.open(store);
    StorePruner pruner = new StorePruner(store, cache, Clock.systemUTC());
    PruneOptions options = PruneOptions.unreferencedOnly().withGrace(Duration.ofMinutes(5));

    int prunes = 0;
    try (ChildJvm build =
        ChildJvm.start(CacheWriterMain.class, root.toString(), String.valueOf(ROUNDS), "0")) {
      build.await(line -> line.startsWith("writing"), 120);
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (build.lines().stream().noneMatch(l -> l.equals("stored " + (ROUNDS - 1)))
          && !build.output().contains("Exception")
          && System.nanoTime() < deadline) {
        pruner.prune(options);
        prunes++;
      }
      assertEquals(0, build.waitFor(120), build.output());
    }

    assertTrue(prunes > 1, "the prune loop did not overlap the build");
    for (int i = 0; i < ROUNDS; i++) {
      assertTrue(cache.check(CacheWriterMain.key(i)).isHit(), "entry " + i + " lost a blob");
    }
    garbage.forEach(g -> assertFalse(store.blobReader().contains(g), "garbage " + g + " kept"));
    StoreVerifier.Report verify = StoreVerifier.verify(store, cache);
    assertEquals(List.of(), verify.problems());
    assertEquals(0, verify.tempFiles());
  }
}
