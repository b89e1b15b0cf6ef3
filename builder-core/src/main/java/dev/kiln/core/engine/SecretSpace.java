package dev.kiln.core.engine;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place of a build where secret values may be written: a private directory (mode 0700) on a
 * tmpfs, so that a secret never reaches a persistent disk, not even for the length of a step or
 * after the build is killed. Secret files bound into steps go here, and so does the sandbox's state
 * (an OCI runtime's {@code config.json} holds the step's environment, {@code env=} secrets
 * included).
 *
 * <p>The build's workspace holds a symlink {@value #LINK} to this directory: a build that was
 * SIGKILLed cannot delete it, so the next build finds it through its dead workspace and does.
 * Without a tmpfs (none of {@code $XDG_RUNTIME_DIR}, {@code /dev/shm}, {@code /run/user/UID},
 * {@code /run}, {@code /tmp} is one), a step that needs a secret fails and says how to give kiln
 * one; builds without secrets keep the sandbox state in the workspace.
 */
final class SecretSpace implements AutoCloseable {
  static final String LINK = "secrets";
  private static final String PREFIX = "kiln-secrets-";

  private final Path dir;

  private SecretSpace(Path dir) {
    this.dir = dir;
  }

  /** A fresh space for the build whose workspace is {@code workspace}. */
  static SecretSpace create(Path workspace) throws IOException {
    for (Path base : candidates()) {
      if (isWritableTmpfs(base)) {
        Path dir =
            Files.createTempDirectory(
                base,
                PREFIX,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createSymbolicLink(workspace.resolve(LINK), dir);
        return new SecretSpace(dir);
      }
    }
    return new SecretSpace(null);
  }

  /** The tmpfs directory, if there is one. */
  Optional<Path> dir() {
    return Optional.ofNullable(dir);
  }

  /** A new private directory for one step's secrets; fails without a tmpfs. */
  Path newStepDirectory(String what) throws IOException {
    if (dir == null) {
      throw new IOException(
          what
              + " needs a memory-backed directory to hold the secret, and none of "
              + candidates()
              + " is a writable tmpfs; mount one (e.g. /dev/shm) or set XDG_RUNTIME_DIR to one."
              + " kiln never writes secret values to disk");
    }
    return Files.createTempDirectory(
        dir,
        "step-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  /** Deletes what a dead build left at {@code workspace}'s link, if it is a space of ours. */
  static void removeLeftOver(Path workspace) {
    Path link = workspace.resolve(LINK);
    try {
      if (!Files.isSymbolicLink(link)) {
        return;
      }
      Path target = Files.readSymbolicLink(link);
      Path name = target.getFileName();
      if (target.isAbsolute()
          && name != null
          && name.toString().startsWith(PREFIX)
          && Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
        BuildRun.deleteTree(target);
      }
      Files.deleteIfExists(link);
    } catch (IOException e) {
      // Best effort: the next build tries again.
    }
  }

  @Override
  public void close() {
    if (dir != null) {
      BuildRun.deleteTree(dir);
    }
  }

  private static List<Path> candidates() {
    List<Path> list = new ArrayList<>();
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isEmpty()) {
      list.add(Path.of(runtime));
    }
    list.add(Path.of("/dev/shm"));
    try {
      Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      list.add(Path.of("/run/user", uid.toString()));
    } catch (IOException | UnsupportedOperationException e) {
      // No /proc: skip the per-user runtime directory.
    }
    list.add(Path.of("/run"));
    list.add(Path.of("/tmp"));
    return list;
  }

  private static boolean isWritableTmpfs(Path base) {
    try {
      if (!Files.isDirectory(base) || !Files.isWritable(base)) {
        return false;
      }
      FileStore store = Files.getFileStore(base);
      return store.type().equals("tmpfs") || store.type().equals("ramfs");
    } catch (IOException e) {
      return false;
    }
  }
}
