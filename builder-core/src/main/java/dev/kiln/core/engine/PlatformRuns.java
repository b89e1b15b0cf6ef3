package dev.kiln.core.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the platforms of a multi-platform build at the same time, at most {@code parallelism} at
 * once (each platform's stages are scheduled by its own {@link StageScheduler}). The first failure
 * interrupts the other platforms, waits for them to clean up, and is what the build reports; one
 * platform runs on the caller's thread.
 */
final class PlatformRuns {
  /** One platform's run: its stages' results. */
  @FunctionalInterface
  interface PlatformTask {
    Map<Integer, StageResult> run(int platform) throws IOException, StepFailure;
  }

  private final int parallelism;

  PlatformRuns(int parallelism) {
    this.parallelism = Math.max(1, parallelism);
  }

  /** Runs platforms {@code 0..count-1}; their results in that order. */
  List<Map<Integer, StageResult>> run(int count, PlatformTask task)
      throws IOException, StepFailure {
    if (count == 1) {
      return List.of(task.run(0));
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(count, parallelism),
            r -> {
              Thread t = new Thread(r, "kiln-platform-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    List<CompletableFuture<Map<Integer, StageResult>>> runs = new ArrayList<>();
    try {
      // Submitted in order: the first platform, which builds the shared stages, always starts.
      for (int i = 0; i < count; i++) {
        int platform = i;
        runs.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return task.run(platform);
                  } catch (IOException | StepFailure e) {
                    throw new CompletionException(e);
                  }
                },
                pool));
      }
      StageScheduler.awaitAllOrFirstFailure(runs);
      List<Map<Integer, StageResult>> results = new ArrayList<>();
      for (CompletableFuture<Map<Integer, StageResult>> f : runs) {
        results.add(f.join());
      }
      return results;
    } catch (InterruptedException e) {
      InterruptedIOException stopped = new InterruptedIOException("build interrupted");
      stopped.initCause(e);
      throw stopped;
    } catch (ExecutionException e) {
      StageScheduler.throwCause(e);
      throw new AssertionError(e); // throwCause always throws
    } finally {
      pool.shutdownNow();
      // Each interrupted platform waits up to CLEANUP_WAIT for its own stages; this waits a little
      // longer for those waits.
      StageScheduler.awaitCleanup(pool, StageScheduler.CLEANUP_WAIT.plusSeconds(5));
    }
  }
}
