package dev.kiln.core.engine;

import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.Dependency;
import dev.kiln.dockerfile.plan.Stage;
import dev.kiln.dockerfile.plan.StageBase;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the stages the target needs as a DAG: a stage starts as soon as the stages it depends on
 * ({@code FROM stage}, {@code COPY --from}, {@code RUN --mount from=}) are done, at most {@code
 * parallelism} at a time. Order comes from composing futures, never from a thread blocking on
 * another inside the pool. The first failure interrupts the stages still running (a RUN's process
 * tree is killed on interrupt), waits for them to clean up, and is what the build reports.
 */
final class StageScheduler {
  /** Runs one stage once its dependencies are in {@code done}. */
  interface StageTask {
    StageResult run(BuildPlan plan, int stage) throws IOException, StepFailure;
  }

  /** How long a failed build waits for its other stages to clean up after the interrupt. */
  static final Duration CLEANUP_WAIT = Duration.ofSeconds(60);

  private final int parallelism;

  StageScheduler(int parallelism) {
    this.parallelism = Math.max(1, parallelism);
  }

  /**
   * Runs every stage of {@code plan.executionOrder()}, recording each result in {@code done} as it
   * finishes, and returns when all are done or one failed.
   */
  void run(BuildPlan plan, Map<Integer, StageResult> done, StageTask task)
      throws IOException, StepFailure {
    run(plan, done, task, Map.of());
  }

  /**
   * As {@link #run(BuildPlan, Map, StageTask)}, except that a stage {@code given} has a future for
   * is taken from it when it completes with a result (another platform of a multi-platform build
   * built it), and run here when it completes empty.
   */
  void run(
      BuildPlan plan,
      Map<Integer, StageResult> done,
      StageTask task,
      Map<Integer, CompletableFuture<Optional<StageResult>>> given)
      throws IOException, StepFailure {
    ExecutorService pool = stagePool();
    try {
      Map<Integer, CompletableFuture<StageResult>> futures = new LinkedHashMap<>();
      for (Stage stage : plan.executionOrder()) {
        futures.put(stage.index(), schedule(plan, stage.index(), done, task, given, futures, pool));
      }
      awaitAllOrFirstFailure(futures.values());
    } catch (InterruptedException e) {
      // The build is stopped (Ctrl-C): the stages are interrupted below, and the caller learns
      // of it from the exception, with the interrupt consumed so that it can still save and
      // clean up on its way out.
      InterruptedIOException stopped = new InterruptedIOException("build interrupted");
      stopped.initCause(e);
      throw stopped;
    } catch (ExecutionException e) {
      throwCause(e);
    } finally {
      pool.shutdownNow();
      awaitCleanup(pool, CLEANUP_WAIT);
    }
  }

  private ExecutorService stagePool() {
    AtomicInteger threads = new AtomicInteger();
    return Executors.newFixedThreadPool(
        parallelism,
        r -> {
          Thread t = new Thread(r, "kiln-stage-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Stage {@code index} as a future that runs on {@code pool} once the stages it depends on (those
   * already in {@code scheduled}) and its {@code given} future have completed.
   */
  private static CompletableFuture<StageResult> schedule(
      BuildPlan plan,
      int index,
      Map<Integer, StageResult> done,
      StageTask task,
      Map<Integer, CompletableFuture<Optional<StageResult>>> given,
      Map<Integer, CompletableFuture<StageResult>> scheduled,
      ExecutorService pool) {
    List<CompletableFuture<StageResult>> needed = new ArrayList<>();
    for (Dependency d : plan.dependenciesOf(index)) {
      if (d.source() instanceof StageBase.Stage s && scheduled.containsKey(s.index())) {
        needed.add(scheduled.get(s.index()));
      }
    }
    CompletableFuture<Optional<StageResult>> elsewhere =
        given.getOrDefault(index, CompletableFuture.completedFuture(Optional.empty()));
    return CompletableFuture.allOf(needed.toArray(CompletableFuture[]::new))
        .thenCombine(elsewhere, (ignored, built) -> built)
        .thenApplyAsync(
            built -> {
              try {
                StageResult result = built.isPresent() ? built.get() : task.run(plan, index);
                done.put(index, result);
                return result;
              } catch (IOException | StepFailure e) {
                throw new CompletionException(e);
              }
            },
            pool);
  }

  /** Returns when every task has finished, or throws as soon as one fails. */
  static void awaitAllOrFirstFailure(Collection<? extends CompletableFuture<?>> tasks)
      throws InterruptedException, ExecutionException {
    CompletableFuture<Void> all = CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new));
    // Fail fast: the first task to fail completes "first" and stops the others.
    CompletableFuture<Object> firstFailure = new CompletableFuture<>();
    for (CompletableFuture<?> f : tasks) {
      f.whenComplete(
          (r, e) -> {
            if (e != null) {
              firstFailure.completeExceptionally(e);
            }
          });
    }
    CompletableFuture.anyOf(all, firstFailure).get();
  }

  /** Throws the task's own failure that {@code e} wraps, as it was thrown. */
  static void throwCause(ExecutionException e) throws IOException, StepFailure {
    Throwable cause = e.getCause();
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof StepFailure f) {
      throw f;
    }
    if (cause instanceof IOException io) {
      throw io;
    }
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    throw new IOException(cause);
  }

  /**
   * Waits for the stages still running to stop: they were interrupted, and a RUN then kills its
   * processes and unmounts its snapshot. The build must not report its failure (and delete its
   * spool, or let the JVM exit) while that cleanup is under way. Bounded, since a step blocked in a
   * read that ignores interrupts must not hang the build; the interrupt is kept for the caller.
   */
  static void awaitCleanup(ExecutorService pool, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          if (pool.awaitTermination(left, TimeUnit.NANOSECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** A thread-safe map for stage results. */
  static Map<Integer, StageResult> resultMap() {
    return new ConcurrentHashMap<>();
  }
}
