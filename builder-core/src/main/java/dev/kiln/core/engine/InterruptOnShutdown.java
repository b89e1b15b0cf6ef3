package dev.kiln.core.engine;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stops a build cleanly when the JVM is asked to exit while it runs (Ctrl-C's SIGINT, SIGTERM): a
 * shutdown hook interrupts the building thread, the scheduler then interrupts every stage, each RUN
 * kills its processes and unmounts its snapshot, and the hook holds the JVM until the build has
 * unwound (at most {@link #GRACE}). Without it the JVM would exit under the build's feet and leave
 * the step's container running and its overlay mounted.
 */
final class InterruptOnShutdown implements AutoCloseable {
  /** Longer than the scheduler's own wait for interrupted stages. */
  static final Duration GRACE = StageScheduler.CLEANUP_WAIT.plusSeconds(30);

  private final Thread builder = Thread.currentThread();
  private final CountDownLatch unwound = new CountDownLatch(1);
  private final Thread hook = new Thread(this::stop, "kiln-stop-build");
  private volatile boolean requested;

  private InterruptOnShutdown() {}

  /** Watches the calling thread's build until {@link #close()}. */
  static InterruptOnShutdown install() {
    InterruptOnShutdown watch = new InterruptOnShutdown();
    try {
      Runtime.getRuntime().addShutdownHook(watch.hook);
    } catch (IllegalStateException e) {
      // The JVM is already exiting: the build will be cut short whatever we do.
    }
    return watch;
  }

  /** Whether the JVM asked the build to stop. */
  boolean requested() {
    return requested;
  }

  private void stop() {
    requested = true;
    builder.interrupt();
    try {
      unwound.await(GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      // Nothing interrupts a shutdown hook; if something does, let the JVM go.
    }
  }

  /** The build has unwound: the hook, if running, lets the JVM exit; otherwise it is removed. */
  @Override
  public void close() {
    unwound.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Shutting down: the hook is running (or about to) and returns at once now.
    }
  }
}
