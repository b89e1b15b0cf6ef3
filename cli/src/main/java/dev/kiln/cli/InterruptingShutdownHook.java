package dev.kiln.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C for a running command. The JVM turns SIGINT (and SIGTERM) into a shutdown, during which it
 * runs hooks and then halts, whatever other threads are doing. Halting in the middle of a RUN would
 * leave the sandbox's processes, overlay mounts and temp directories behind, so this hook
 * interrupts the thread running the command instead (the engine stops the running step, the sandbox
 * kills its process tree, try-with-resources unmount and delete), and holds the shutdown until that
 * thread has reported the interruption, for at most a grace period.
 *
 * <p>Why a hook and not a {@code sun.misc.Signal} handler: the hook is public API, covers SIGTERM
 * (what {@code docker stop}, CI cancellation and Kubernetes send) as well, and the JVM's own exit
 * status for a signal (128 + its number, 130 for SIGINT) is what shells expect.
 */
final class InterruptingShutdownHook {
  private final Thread worker;
  private final Duration grace;
  private final PrintStream stderr;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;
  private volatile boolean fired;

  private InterruptingShutdownHook(Thread worker, Duration grace, PrintStream stderr) {
    this.worker = worker;
    this.grace = grace;
    this.stderr = stderr;
    this.hook = new Thread(this::onShutdown, "kiln-interrupt");
  }

  /** Installs a hook that interrupts {@code worker} when the JVM is asked to stop. */
  static InterruptingShutdownHook install(Thread worker, Duration grace, PrintStream stderr) {
    InterruptingShutdownHook h = new InterruptingShutdownHook(worker, grace, stderr);
    Runtime.getRuntime().addShutdownHook(h.hook);
    return h;
  }

  /** Whether a signal arrived while the command ran. */
  boolean fired() {
    return fired;
  }

  /**
   * The command has returned (and printed what it had to say); a shutdown in progress may go on.
   * Removes the hook when no signal came, so a normal {@code System.exit} does not wait for it.
   */
  void commandFinished() {
    finished.countDown();
    if (!fired) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutdown began in between: the hook runs, finds the latch open and returns at once.
      }
    }
  }

  private void onShutdown() {
    if (finished.getCount() == 0) {
      return;
    }
    fired = true;
    worker.interrupt();
    try {
      if (!finished.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        stderr.println(
            "kiln: interrupted; cleanup did not finish within "
                + grace.toSeconds()
                + "s, exiting anyway (temporary files may remain in the cache directory)");
        stderr.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
