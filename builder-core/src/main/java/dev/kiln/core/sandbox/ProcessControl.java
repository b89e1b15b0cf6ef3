package dev.kiln.core.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Waiting for and killing the host processes of a step. */
final class ProcessControl {
  private ProcessControl() {}

  /** Waits for {@code process} up to {@code timeout} ({@link Duration#ZERO}: forever). */
  static boolean waitFor(Process process, Duration timeout) throws InterruptedException {
    if (timeout.isZero()) {
      process.waitFor();
      return true;
    }
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Waits for {@code process} up to {@code millis} even when interrupted (cleanup must finish); the
   * interrupt is restored afterwards. Returns whether it exited.
   */
  static boolean waitUninterruptibly(Process process, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    boolean interrupted = false;
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return !process.isAlive();
        }
        try {
          return process.waitFor(left, TimeUnit.NANOSECONDS);
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

  /** SIGKILLs the process with this host pid, if it still exists. */
  static void kill(long pid) {
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
  }

  /**
   * The child of {@code parent} that is pid 1 of its own pid namespace: the init of the namespace
   * {@code unshare --pid --fork} created. Killing it kills every process in that namespace.
   */
  static Optional<Long> namespaceInit(ProcessHandle parent) {
    return parent
        .children()
        .map(ProcessHandle::pid)
        .filter(ProcessControl::isNamespaceInit)
        .findFirst();
  }

  private static boolean isNamespaceInit(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("NSpid:")) {
          String[] ids = line.substring("NSpid:".length()).trim().split("\\s+");
          return ids.length > 1 && ids[ids.length - 1].equals("1");
        }
      }
    } catch (IOException e) {
      // Gone already.
    }
    return false;
  }
}
