package dev.kiln.cache.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deletes a file or a whole directory tree without following symbolic links: a tree kiln deletes
 * (an unpacked layer, a snapshot, a spool) is written by build steps and may link anywhere.
 */
public final class TreeDeletion {
  private TreeDeletion() {}

  /** Deletes {@code root} and everything below it; nothing happens when it does not exist. */
  public static void delete(Path root) throws IOException {
    try {
      deleteAsIs(root);
    } catch (AccessDeniedException e) {
      // Without root, a directory a step made read-only (0555, as /proc and /sys are in most
      // images) cannot be emptied: give the owner back its rights and try once more.
      if (!grantOwnerEverything(root)) {
        throw e;
      }
      deleteAsIs(root);
    }
  }

  private static boolean grantOwnerEverything(Path root) {
    try {
      // GNU chmod -R does not follow the symbolic links it meets.
      Process chmod =
          new ProcessBuilder("chmod", "-R", "u+rwx", "--", root.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      chmod.waitFor();
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static void deleteAsIs(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      Files.delete(root);
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** {@link #delete}, for callers that cannot declare {@link IOException}. */
  public static void deleteUnchecked(Path root) {
    try {
      delete(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }

  /**
   * Deletes what it can of {@code root} and ignores the rest: for scratch space whose leftovers the
   * next build's clean-up or a prune removes.
   */
  public static void deleteQuietly(Path root) {
    if (root == null) {
      return;
    }
    try {
      delete(root);
    } catch (IOException | UncheckedIOException e) {
      // Best effort, as documented.
    }
  }
}
