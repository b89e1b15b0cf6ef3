package dev.kiln.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Ctrl-C and SIGTERM for a running command. The JVM turns SIGINT and SIGTERM into a shutdown,
 * during which it runs hooks and then halts, whatever other threads are doing. Halting in the
 * middle of a RUN would leave the sandbox's processes, overlay mounts and temp directories behind,
 * so this hook interrupts the thread running the command instead (the engine stops the running
 * step, the sandbox kills its process tree, try-with-resources unmount and delete), and holds the
 * shutdown until that thread has reported the interruption, for at most a grace period.
 *
 * <p>Then it ends the JVM itself with {@link ExitCode#INTERRUPTED} (130) for either signal. Left to
 * the JVM, the status would be 128 + the signal's number, 143 for SIGTERM; kiln answers both as
 * {@code docker buildx build} does, which exits 130 whenever its build was cancelled, and as the
 * README documents. A thread that does not unwind in time (blocked in a read no interrupt ends,
 * such as opening a FIFO nobody writes) cannot hold kiln past the grace: halting then is as safe
 * for the store as SIGKILL (every write is atomic), and the next build removes what is left.
 *
 * <p>Why a hook and not a {@code sun.misc.Signal} handler: the hook is public API and covers
 * SIGTERM (what {@code docker stop}, CI cancellation and Kubernetes send) as well as SIGINT.
 */
final class InterruptingShutdownHook {
  private final Thread worker;
  private final Duration grace;
  private final PrintStream stderr;
  private final IntConsumer halt;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;
  private volatile boolean fired;

  InterruptingShutdownHook(Thread worker, Duration grace, PrintStream stderr, IntConsumer halt) {
    this.worker = worker;
    this.grace = grace;
    this.stderr = stderr;
    this.halt = halt;
    this.hook = new Thread(this::onShutdown, "kiln-interrupt");
  }

  /** Installs a hook that interrupts {@code worker} when the JVM is asked to stop. */
  static InterruptingShutdownHook install(Thread worker, Duration grace, PrintStream stderr) {
    InterruptingShutdownHook h =
        new InterruptingShutdownHook(worker, grace, stderr, Runtime.getRuntime()::halt);
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

  /** What the hook does when the JVM shuts down (a thread of its own; tests call it directly). */
  void onShutdown() {
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
                + "s, exiting anyway (the next build removes what is left in the cache directory)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stderr.flush();
    System.out.flush();
    halt.accept(ExitCode.INTERRUPTED);
  }
}
