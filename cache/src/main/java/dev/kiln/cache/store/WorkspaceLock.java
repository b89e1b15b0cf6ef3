package dev.kiln.cache.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * The sign that a build is alive: a lock on the {@code .alive} file of its workspace ({@code
 * tmp/build-*} in the store), held for the build's lifetime and released by the kernel when the
 * process dies, SIGKILL included. The build's own cleanup of dead workspaces and the pruner, which
 * must not delete unpacked layers a running build mounts, read it the same way.
 */
public final class WorkspaceLock {
  /** The lock file's name inside a workspace. */
  public static final String FILE_NAME = ".alive";

  /** A workspace without its lock file yet is taken as alive for this long after creation. */
  private static final Duration CREATION_GRACE = Duration.ofMinutes(1);

  private WorkspaceLock() {}

  /** Takes the lock of a new workspace; the build holds the returned channel until it ends. */
  public static FileChannel hold(Path workspace) throws IOException {
    FileChannel channel =
        FileChannel.open(
            workspace.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    channel.lock();
    return channel;
  }

  /** Whether a live build (in this process or another) owns {@code workspace}. */
  public static boolean isHeld(Path workspace) {
    Path lockFile = workspace.resolve(FILE_NAME);
    if (!Files.exists(lockFile)) {
      // Created but not yet locked by a live build, or from before locks: give it a minute.
      try {
        Instant modified = Files.getLastModifiedTime(workspace).toInstant();
        return !modified.isBefore(Instant.now().minus(CREATION_GRACE));
      } catch (IOException e) {
        return false;
      }
    }
    try (FileChannel probe = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock free = probe.tryLock();
      if (free == null) {
        return true;
      }
      free.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true; // held by this very process
    } catch (IOException e) {
      return true; // cannot tell: assume alive, which only ever keeps things
    }
  }

  /** Whether any build working under {@code tmpRoot} is alive. */
  public static boolean anyHeldUnder(Path tmpRoot) throws IOException {
    if (!Files.isDirectory(tmpRoot)) {
      return false;
    }
    try (DirectoryStream<Path> builds = Files.newDirectoryStream(tmpRoot, "build-*")) {
      for (Path build : builds) {
        if (isHeld(build)) {
          return true;
        }
      }
    }
    return false;
  }
}
