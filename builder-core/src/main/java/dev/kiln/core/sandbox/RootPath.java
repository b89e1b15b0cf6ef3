package dev.kiln.core.sandbox;

import dev.kiln.core.fs.path.HostDirectoryTree;
import dev.kiln.core.fs.path.PathResolver;
import dev.kiln.core.fs.path.SymlinkLoopException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a container path to a host path inside a root filesystem, following symlinks as the
 * container would see them: an absolute link target starts again at the rootfs, and {@code ..}
 * never leaves it. Kiln mounts files and creates directories at the result, so a hostile image with
 * {@code /etc/hosts -> /etc/shadow} (or {@code -> ../../../host}) cannot make it touch the host.
 * Components that do not exist are appended literally.
 *
 * <p>The walk itself is the one {@link PathResolver}; this class maps its answers to the sandbox's
 * errors and creates missing directories.
 */
final class RootPath {
  private RootPath() {}

  /** The host path for {@code containerPath} inside {@code rootfs}. */
  static Path resolve(Path rootfs, String containerPath) {
    HostDirectoryTree tree = new HostDirectoryTree(rootfs);
    try {
      return tree.hostPath(
          PathResolver.resolve(tree, containerPath, true, PathResolver.Escape.CLAMP).path());
    } catch (SymlinkLoopException e) {
      throw new SandboxException(
          "too many levels of symbolic links resolving " + containerPath + " in " + rootfs);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + containerPath + " in " + rootfs, e);
    }
  }

  /**
   * Creates the directory {@code containerPath} (and missing parents) inside {@code rootfs},
   * resolving symlinks as {@link #resolve} does; new directories get mode 0755 and the caller's
   * owner (root for kiln). Returns the host path.
   */
  static Path createDirectories(Path rootfs, String containerPath) {
    Path host = resolve(rootfs, containerPath);
    try {
      for (Path missing : missingChain(rootfs, host)) {
        Files.createDirectory(missing);
        Files.setPosixFilePermissions(missing, PosixFilePermissions.fromString("rwxr-xr-x"));
      }
    } catch (IOException e) {
      throw new SandboxException(
          "cannot create directory " + containerPath + " in " + rootfs + ": " + e, e);
    }
    if (!Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
      throw new SandboxException(
          "cannot use " + containerPath + " as a directory: it exists and is not a directory");
    }
    return host;
  }

  /**
   * The paths from the first missing ancestor of {@code host} down to {@code host} itself, to be
   * created in that order; empty when it exists. {@code host} comes from {@link #resolve}, so
   * everything that exists on the way is a real directory inside the rootfs and the missing part
   * consists of plain names.
   */
  static List<Path> missingChain(Path rootfs, Path host) {
    Deque<Path> chain = new ArrayDeque<>();
    Path current = host;
    while (current != null
        && current.startsWith(rootfs)
        && !Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
      chain.addFirst(current);
      current = current.getParent();
    }
    return List.copyOf(chain);
  }
}
