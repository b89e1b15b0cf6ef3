package dev.kiln.core.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates the mount points a step needs but its rootfs lacks ({@code /etc/hosts} in an image
 * without one, {@code /proc} in a scratch image, a {@code RUN --mount} target) and removes them
 * again afterwards, so that they never become part of the step's changes. The directory that
 * received a stub gets its timestamps back, unless the step itself changed that directory.
 *
 * <p>Paths are resolved inside the rootfs with {@link RootPath}, so a symlink in the image cannot
 * make kiln create or mount anything outside it.
 */
final class MountStubs {
  /** A mount point: absolute container path and whether a directory (else a file) is mounted. */
  record Target(String containerPath, boolean directory) {}

  private record Chain(
      List<Path> created,
      Path anchor,
      FileTime mtimeBefore,
      FileTime atimeBefore,
      FileTime mtimeAfter) {}

  private final Map<String, Path> hostPaths;
  private final List<Chain> chains;

  private MountStubs(Map<String, Path> hostPaths, List<Chain> chains) {
    this.hostPaths = hostPaths;
    this.chains = chains;
  }

  /** Creates what is missing for {@code targets} in {@code rootfs}. */
  static MountStubs create(Path rootfs, List<Target> targets) {
    Map<String, Path> hostPaths = new LinkedHashMap<>();
    List<Chain> chains = new ArrayList<>();
    MountStubs stubs = new MountStubs(hostPaths, chains);
    try {
      for (Target target : targets) {
        hostPaths.put(target.containerPath(), stubs.ensure(rootfs, target));
      }
    } catch (RuntimeException e) {
      stubs.remove();
      throw e;
    }
    return stubs;
  }

  /** The host path at which {@code containerPath} is to be mounted. */
  Path hostPath(String containerPath) {
    Path path = hostPaths.get(ContainerPath.normalize(containerPath));
    if (path == null) {
      throw new IllegalArgumentException("no mount point prepared for " + containerPath);
    }
    return path;
  }

  /** Removes every stub that is still empty, deepest first, and restores parent timestamps. */
  void remove() {
    for (int i = chains.size() - 1; i >= 0; i--) {
      Chain chain = chains.get(i);
      try {
        FileTime mtimeBeforeRemoval = mtime(chain.anchor);
        boolean topRemoved = false;
        for (int j = chain.created.size() - 1; j >= 0; j--) {
          Path stub = chain.created.get(j);
          if (isEmptyStub(stub)) {
            Files.delete(stub);
            topRemoved = j == 0;
          } else {
            break;
          }
        }
        if (topRemoved) {
          // Put back the parent's times, unless the step changed the parent itself, in which case
          // its own change is kept.
          FileTime wanted =
              mtimeBeforeRemoval.equals(chain.mtimeAfter) ? chain.mtimeBefore : mtimeBeforeRemoval;
          Files.getFileAttributeView(
                  chain.anchor, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
              .setTimes(wanted, chain.atimeBefore, null);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove mount point stubs under " + chain.anchor, e);
      }
    }
    chains.clear();
  }

  private Path ensure(Path rootfs, Target target) {
    Path host = RootPath.resolve(rootfs, target.containerPath());
    List<Path> missing = RootPath.missingChain(rootfs, host);
    if (missing.isEmpty()) {
      return host;
    }
    List<Path> created = new ArrayList<>();
    Path anchor = missing.get(0).getParent();
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(anchor, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      FileTime mtimeAfter = null;
      try {
        for (int i = 0; i < missing.size(); i++) {
          Path path = missing.get(i);
          if (i < missing.size() - 1 || target.directory()) {
            Files.createDirectory(
                path,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
          } else {
            Files.createFile(path);
          }
          created.add(path);
          if (i == 0) {
            mtimeAfter = mtime(anchor);
          }
        }
      } finally {
        if (!created.isEmpty()) {
          chains.add(
              new Chain(
                  List.copyOf(created),
                  anchor,
                  attrs.lastModifiedTime(),
                  attrs.lastAccessTime(),
                  mtimeAfter));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create mount point " + target.containerPath() + " in " + rootfs, e);
    }
    return host;
  }

  private static FileTime mtime(Path path) throws IOException {
    return Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS);
  }

  private static boolean isEmptyStub(Path stub) throws IOException {
    if (!Files.exists(stub, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (Files.isDirectory(stub, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(stub)) {
        return !entries.iterator().hasNext();
      }
    }
    return Files.isRegularFile(stub, LinkOption.NOFOLLOW_LINKS) && Files.size(stub) == 0;
  }
}
