package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.ContentStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build killed with SIGKILL in the middle of writing a layer leaves a consistent store: no blob
 * under a wrong name, no entry pointing at a missing blob, and only a temp file that prune then
 * collects (its writer's lock died with it).
 */
class KilledBuildIT {
  @TempDir Path dir;

  @Test
  void sigkillMidWriteLeavesAConsistentStoreThatPruneCleans() throws Exception {
    Path root = dir.resolve("store");
    List<String> said;
    try (ChildJvm build = ChildJvm.start(CacheWriterMain.class, root.toString(), "0", "50")) {
      // Let a few entries complete, then kill during the next fresh layer (16 chunks x 50 ms).
      build.await(line -> line.equals("stored 2"), 120);
      build.await(line -> line.equals("writing 3"), 120);
      Thread.sleep(200);
      build.kill();
      said = build.lines();
    }
    assertTrue(said.contains("writing 3") && !said.contains("stored 3"), String.join("\n", said));

    ContentStore store = ContentStore.open(root);
    BuildCache cache = BuildCache.open(store);
    StoreVerifier.Report before = StoreVerifier.verify(store, cache);
    assertEquals(List.of(), before.problems());
    assertTrue(before.tempFiles() >= 1, "the kill did not land mid-write: " + before);

    PruneReport report =
        new StorePruner(store, cache, Clock.systemUTC())
            .prune(PruneOptions.unreferencedOnly().withGrace(Duration.ZERO));

    assertTrue(report.removedTempFiles() >= 1, report.toString());
    StoreVerifier.Report after = StoreVerifier.verify(store, cache);
    assertEquals(List.of(), after.problems());
    assertEquals(0, after.tempFiles());
    for (int i = 0; i <= 2; i++) {
      assertTrue(cache.check(CacheWriterMain.key(i)).isHit(), "completed entry " + i + " lost");
    }
  }
}
