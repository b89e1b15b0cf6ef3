package dev.kiln.core.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Who may use one cache mount directory now: any number of steps sharing it, or one step alone
 * ({@code sharing=locked}, and the step that {@code sharing=private} gave it to), in this process
 * and in every other kiln process on the same store.
 *
 * <p>Two layers, because a {@link FileLock} is held by the whole JVM: a second thread asking for an
 * overlapping lock on the same file does not wait, it fails ({@code OverlappingFileLockException}).
 * So threads of this process first pass an in-process gate (one per lock file), and only then does
 * the process take the file lock, which other processes see: one exclusive file lock for a step
 * alone, one shared file lock held while any step of this process shares the directory.
 */
final class CacheMountLock implements AutoCloseable {
  /** All permits of a gate: a step alone takes them all, a sharing step one. */
  private static final int ALL = Integer.MAX_VALUE;

  private static final Map<Path, Gate> GATES = new ConcurrentHashMap<>();

  private final Gate gate;
  private final boolean exclusive;
  private boolean released;

  private CacheMountLock(Gate gate, boolean exclusive) {
    this.gate = gate;
    this.exclusive = exclusive;
  }

  /** Waits until no step uses the directory alone, then shares it. */
  static CacheMountLock shared(Path lockFile) throws IOException {
    Gate gate = gate(lockFile);
    acquire(gate.permits, 1);
    try {
      gate.shareFile();
    } catch (IOException | RuntimeException e) {
      gate.permits.release(1);
      throw e;
    }
    return new CacheMountLock(gate, false);
  }

  /** Waits until no other step uses the directory, then has it alone. */
  static CacheMountLock exclusive(Path lockFile) throws IOException {
    Gate gate = gate(lockFile);
    acquire(gate.permits, ALL);
    try {
      gate.lockFile(true);
    } catch (IOException | RuntimeException e) {
      gate.permits.release(ALL);
      throw e;
    }
    return new CacheMountLock(gate, true);
  }

  /** The directory alone, if no other step of any process uses it now; never waits. */
  static Optional<CacheMountLock> tryExclusive(Path lockFile) throws IOException {
    Gate gate = gate(lockFile);
    if (!gate.permits.tryAcquire(ALL)) {
      return Optional.empty();
    }
    try {
      if (!gate.lockFile(false)) {
        gate.permits.release(ALL);
        return Optional.empty();
      }
    } catch (IOException | RuntimeException e) {
      gate.permits.release(ALL);
      throw e;
    }
    return Optional.of(new CacheMountLock(gate, true));
  }

  @Override
  public synchronized void close() throws IOException {
    if (released) {
      return;
    }
    released = true;
    if (exclusive) {
      try {
        gate.unlockFile();
      } finally {
        gate.permits.release(ALL);
      }
    } else {
      try {
        gate.unshareFile();
      } finally {
        gate.permits.release(1);
      }
    }
  }

  private static Gate gate(Path lockFile) {
    return GATES.computeIfAbsent(lockFile.toAbsolutePath().normalize(), Gate::new);
  }

  private static void acquire(Semaphore permits, int count) throws InterruptedIOException {
    try {
      permits.acquire(count);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for a cache mount");
    }
  }

  /** The in-process side of one lock file, and the file lock this process holds on it. */
  private static final class Gate {
    private final Path file;
    // Fair, so that a step waiting to be alone is not starved by a stream of sharing steps.
    private final Semaphore permits = new Semaphore(ALL, true);
    private int sharers;
    private FileChannel channel;
    private FileLock lock;

    Gate(Path file) {
      this.file = file;
    }

    /** Takes the file lock for a step alone; {@code wait} false: only if free now. */
    synchronized boolean lockFile(boolean wait) throws IOException {
      FileChannel opened = open();
      FileLock taken;
      try {
        taken = wait ? opened.lock() : opened.tryLock();
      } catch (IOException | RuntimeException e) {
        opened.close();
        throw e;
      }
      if (taken == null) {
        opened.close();
        return false;
      }
      channel = opened;
      lock = taken;
      return true;
    }

    synchronized void unlockFile() throws IOException {
      FileChannel held = channel;
      channel = null;
      lock = null;
      // Closing the channel releases its lock.
      held.close();
    }

    /**
     * One more sharing step: the first takes the process's shared file lock, waiting for another
     * process's step that has the directory alone; the others wait here for it.
     */
    synchronized void shareFile() throws IOException {
      if (sharers == 0) {
        FileChannel opened = open();
        try {
          lock = opened.lock(0, Long.MAX_VALUE, true);
        } catch (IOException | RuntimeException e) {
          opened.close();
          throw e;
        }
        channel = opened;
      }
      sharers++;
    }

    synchronized void unshareFile() throws IOException {
      sharers--;
      if (sharers == 0) {
        unlockFile();
      }
    }

    private FileChannel open() throws IOException {
      return FileChannel.open(
          file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
  }
}
