package dev.kiln.cache.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exclusive lock on a lock file, held across processes and across threads of this process.
 *
 * <p>Two layers are needed: {@link FileChannel#lock()} is an OS advisory lock ({@code fcntl}) and
 * excludes other processes, but inside one JVM a second lock on the same file throws {@link
 * java.nio.channels.OverlappingFileLockException} instead of waiting. So threads first queue on a
 * per-file {@link ReentrantLock}, and only the thread that holds it takes the OS lock. The lock
 * file itself is never deleted: deleting it would let two processes lock two different inodes.
 */
public final class StoreLock implements AutoCloseable {
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  private final ReentrantLock threadLock;
  private final FileChannel channel;
  private final FileLock fileLock;

  private StoreLock(ReentrantLock threadLock, FileChannel channel, FileLock fileLock) {
    this.threadLock = threadLock;
    this.channel = channel;
    this.fileLock = fileLock;
  }

  /** Blocks until this thread holds the lock on {@code lockFile}, creating the file if needed. */
  public static StoreLock acquire(Path lockFile) throws IOException {
    Path key = lockFile.toAbsolutePath().normalize();
    ReentrantLock threadLock = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
    if (threadLock.isHeldByCurrentThread()) {
      // The OS lock cannot be taken twice by one process; nesting is a programming error.
      throw new IllegalStateException("lock " + key + " is already held by this thread");
    }
    threadLock.lock();
    FileChannel channel = null;
    try {
      Files.createDirectories(key.getParent());
      channel =
          FileChannel.open(
              key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock fileLock = channel.lock();
      return new StoreLock(threadLock, channel, fileLock);
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        channel.close();
      }
      threadLock.unlock();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      fileLock.release();
      channel.close();
    } finally {
      threadLock.unlock();
    }
  }
}
