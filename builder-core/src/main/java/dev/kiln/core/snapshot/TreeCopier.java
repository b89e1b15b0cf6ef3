package dev.kiln.core.snapshot;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.host.XattrPrograms;
import dev.kiln.core.layer.UserXattrs;
import dev.kiln.core.sandbox.HostTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies one overlayfs-form layer directory onto a plain directory, as overlayfs would show it:
 * whiteouts delete, opaque directories empty what was there, a file replaces a directory and the
 * other way round, everything else is copied over with GNU {@code cp -a} (owners, modes and setuid
 * bits, nanosecond times, extended attributes including capabilities, device nodes, and hard links
 * within the layer kept; reflinks where the filesystem has them).
 *
 * <p>The copy never shares inodes with the layer: a hard link into the layer would let a step's
 * in-place write (as root, through any permission) change the shared, content-addressed layer.
 */
final class TreeCopier {
  private TreeCopier() {}

  static void apply(Path layer, Path target, XattrIndex layerIndex) {
    List<Path> whiteouts = new ArrayList<>();
    try {
      prepare(layer, target, layerIndex, whiteouts);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot apply layer " + layer + " to " + target, e);
    }
    Path cp = HostTools.require("cp", "coreutils", "to copy layers into a rootfs");
    try {
      HostCommand.of(
              cp.toString(),
              "--archive",
              "--no-target-directory",
              "--reflink=auto",
              "--remove-destination",
              layer.toString(),
              target.toString())
          .finishingWhenInterrupted()
          .run()
          .requireSuccess("copy layer " + layer);
    } catch (IOException e) {
      throw new SnapshotException(e.getMessage(), e);
    }
    java.util.Set<Path> touchedDirectories = new java.util.LinkedHashSet<>();
    for (Path whiteout : whiteouts) {
      deleteRecursively(target.resolve(layer.relativize(whiteout)));
      touchedDirectories.add(whiteout.getParent());
    }
    // cp copied each whiteout device and we just deleted it: that moved its directory's mtime,
    // which the differ would report as a change the step never made.
    for (Path dir : touchedDirectories) {
      restoreMtime(dir, target.resolve(layer.relativize(dir)));
    }
    removeOverlayAttributes(layer, target, layerIndex);
  }

  private static void restoreMtime(Path from, Path to) {
    try {
      java.nio.file.attribute.FileTime mtime =
          Files.getLastModifiedTime(from, java.nio.file.LinkOption.NOFOLLOW_LINKS);
      Files.getFileAttributeView(
              to,
              java.nio.file.attribute.BasicFileAttributeView.class,
              java.nio.file.LinkOption.NOFOLLOW_LINKS)
          .setTimes(mtime, null, null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore the time of " + to, e);
    }
  }

  /** Clears what the layer deletes or replaces, before the copy. */
  private static void prepare(Path layer, Path target, XattrIndex layerIndex, List<Path> whiteouts)
      throws IOException {
    Files.walkFileTree(
        layer,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            if (dir.equals(layer)) {
              return FileVisitResult.CONTINUE;
            }
            Path there = target.resolve(layer.relativize(dir));
            Optional<FileStat> existing = FileStat.ofIfExists(there);
            if (existing.isPresent() && !existing.get().isDirectory()) {
              deleteRecursively(there);
            } else if (existing.isPresent() && layerIndex.isOpaque(dir)) {
              deleteChildren(there);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Path there = target.resolve(layer.relativize(file));
            FileStat stat = FileStat.of(file);
            Optional<FileStat> existing = FileStat.ofIfExists(there);
            if (stat.isWhiteout()) {
              whiteouts.add(file);
              existing.ifPresent(e -> deleteRecursively(there));
            } else if (existing.isPresent() && existing.get().isDirectory()) {
              deleteRecursively(there);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Opaque markers and other overlayfs attributes mean nothing in a plain directory. */
  private static void removeOverlayAttributes(Path layer, Path target, XattrIndex layerIndex) {
    Map<Path, List<String>> internal = layerIndex.overlayInternal();
    if (internal.isEmpty()) {
      return;
    }
    if (!XattrPrograms.installed()) {
      removeUserOverlayAttributes(layer, target, internal);
      return;
    }
    Path setfattr = HostTools.require("setfattr", "attr", "to remove overlayfs attributes");
    for (Map.Entry<Path, List<String>> e : internal.entrySet()) {
      if (!e.getKey().startsWith(layer)) {
        continue;
      }
      Path there = target.resolve(layer.relativize(e.getKey()));
      for (String name : e.getValue()) {
        HostCommand.Result result;
        try {
          result =
              HostCommand.of(
                      setfattr.toString(), "--no-dereference", "--remove=" + name, there.toString())
                  .finishingWhenInterrupted()
                  .run();
        } catch (IOException failure) {
          throw new SnapshotException(failure.getMessage(), failure);
        }
        if (!result.succeeded() && Files.exists(there, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw new SnapshotException(
              "cannot remove " + name + " from " + there + ": " + result.describeFailure());
        }
      }
    }
  }

  /** Without setfattr the index holds only user.* attributes, which the JDK can remove. */
  private static void removeUserOverlayAttributes(
      Path layer, Path target, Map<Path, List<String>> internal) {
    for (Map.Entry<Path, List<String>> e : internal.entrySet()) {
      if (!e.getKey().startsWith(layer)) {
        continue;
      }
      Path there = target.resolve(layer.relativize(e.getKey()));
      for (String name : e.getValue()) {
        try {
          if (UserXattrs.reaches(name)
              && Files.exists(there, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            UserXattrs.remove(there, name);
          }
        } catch (IOException failure) {
          throw new SnapshotException(
              "cannot remove " + name + " from " + there + ": " + failure.getMessage(), failure);
        }
      }
    }
  }

  private static void deleteChildren(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        deleteRecursively(entry);
      }
    }
  }

  static void deleteRecursively(Path root) {
    dev.kiln.cache.store.TreeDeletion.deleteUnchecked(root);
  }
}
