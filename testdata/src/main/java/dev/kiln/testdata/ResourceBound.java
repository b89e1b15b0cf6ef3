package dev.kiln.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a piece of work on hostile input within a time and memory bound, on a thread with a small
 * stack, for the resource tests of every module. Memory is measured as the bytes the thread
 * allocates, which bounds the heap it can have used; the small stack makes a recursion that a
 * default thread would survive show up as a StackOverflowError.
 */
public final class ResourceBound {
  /** Stack size of the worker thread. */
  public static final long STACK_BYTES = 512 * 1024;

  private ResourceBound() {}

  /** Work that returns a value and may throw. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws Throwable;
  }

  /**
   * Runs {@code work} and returns its result; fails the test if it takes longer than {@code time},
   * allocates more than {@code maxBytes}, or throws anything (an Error included). Work that must
   * fail asserts its exception inside (e.g. with {@code assertThrows}) and returns it.
   */
  public static <T> T within(Duration time, long maxBytes, Work<T> work) {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong allocated = new AtomicLong(-1);
    Thread worker =
        new Thread(
            null,
            () -> {
              long before = allocatedByThisThread();
              try {
                result.set(work.run());
              } catch (Throwable t) {
                failure.set(t);
              } finally {
                allocated.set(allocatedByThisThread() - before);
              }
            },
            "resource-bound",
            STACK_BYTES);
    worker.setDaemon(true);
    worker.start();
    try {
      worker.join(time.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
    if (worker.isAlive()) {
      worker.interrupt();
      fail("still running after " + time + " (a hang, or work that grows faster than its input)");
    }
    if (failure.get() != null) {
      throw new AssertionError("failed with " + failure.get(), failure.get());
    }
    assertTrue(
        allocated.get() <= maxBytes,
        "allocated "
            + allocated.get() / (1024 * 1024)
            + " MiB, more than "
            + maxBytes / (1024 * 1024)
            + " MiB");
    return result.get();
  }

  /** Work that returns a value and may throw an exception. */
  @FunctionalInterface
  public interface Task<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code task} on the calling thread and returns its result; fails the test if it allocates
   * more than {@code maxBytes}. A task over the bound runs once more before failing, because the
   * first run of a code path also pays for loading (and, under a fuzzer, instrumenting) its
   * classes; the task must therefore give the same answer twice. Exceptions pass through.
   */
  public static <T> T allocatingAtMost(long maxBytes, Task<T> task) throws Exception {
    long before = allocatedByThisThread();
    T result = task.run();
    long allocated = allocatedByThisThread() - before;
    if (allocated > maxBytes) {
      before = allocatedByThisThread();
      result = task.run();
      allocated = allocatedByThisThread() - before;
    }
    assertTrue(allocated <= maxBytes, "allocated " + allocated + " bytes, more than " + maxBytes);
    return result;
  }

  private static long allocatedByThisThread() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }
}
