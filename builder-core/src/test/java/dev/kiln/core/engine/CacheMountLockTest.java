package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheMountLockTest {
  @TempDir Path dir;

  @Test
  void aSecondThreadWantingTheCacheAloneWaitsInsteadOfFailing() throws Exception {
    Path file = dir.resolve("c.lock");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> second;
      try (CacheMountLock first = CacheMountLock.exclusive(file)) {
        CountDownLatch asked = new CountDownLatch(1);
        second =
            pool.submit(
                () -> {
                  asked.countDown();
                  try (CacheMountLock ignored = CacheMountLock.exclusive(file)) {
                    return null;
                  }
                });
        asked.await();
        assertWaits(second);
      }
      second.get(10, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void sharersShareAndKeepOutAStepThatWantsToBeAlone() throws Exception {
    Path file = dir.resolve("c.lock");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      CacheMountLock one = CacheMountLock.shared(file);
      CacheMountLock two = pool.submit(() -> CacheMountLock.shared(file)).get(10, TimeUnit.SECONDS);
      assertEquals(Optional.empty(), CacheMountLock.tryExclusive(file));
      one.close();
      assertEquals(Optional.empty(), CacheMountLock.tryExclusive(file));
      two.close();
      Optional<CacheMountLock> alone = CacheMountLock.tryExclusive(file);
      assertTrue(alone.isPresent());
      Future<CacheMountLock> sharer = pool.submit(() -> CacheMountLock.shared(file));
      assertWaits(sharer);
      alone.get().close();
      sharer.get(10, TimeUnit.SECONDS).close();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closingTwiceReleasesOnce() throws Exception {
    Path file = dir.resolve("c.lock");
    CacheMountLock sharer = CacheMountLock.shared(file);
    CacheMountLock other = CacheMountLock.shared(file);
    sharer.close();
    sharer.close();
    assertFalse(CacheMountLock.tryExclusive(file).isPresent());
    other.close();
    CacheMountLock.tryExclusive(file).orElseThrow().close();
  }

  private static void assertWaits(Future<?> future) throws Exception {
    try {
      future.get(500, TimeUnit.MILLISECONDS);
      throw new AssertionError("did not wait");
    } catch (TimeoutException expected) {
      // still waiting, as it must
    }
  }
}
