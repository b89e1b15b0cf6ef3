package dev.kiln.cache.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The layers a RUN needed, each unpacked once into a directory of the store named by its diffID
 * ({@code layers/<hex>}; {@code layers-unprivileged/<hex>} when kiln is not root; {@code
 * layers-user-xattrs/<hex>} when it is root without the tools for other attributes). They are
 * derived data: any of them can be unpacked again from its blob. Each use touches a marker beside
 * the directory ({@code <hex>.used}), so a prune knows which were not needed for a while without
 * touching the directory itself, whose times are part of what a step sees.
 */
public final class UnpackedLayers {
  private static final Pattern LAYER_DIR = Pattern.compile("[0-9a-f]{64}");
  private static final String USED = ".used";

  private UnpackedLayers() {}

  /** Where layers unpacked by root live. */
  public static Path directory(Path storeRoot) {
    return storeRoot.resolve("layers");
  }

  /** Where layers unpacked without privilege live (no owners, devices or attributes). */
  public static Path unprivilegedDirectory(Path storeRoot) {
    return storeRoot.resolve("layers-unprivileged");
  }

  /**
   * Where layers unpacked by root without {@code setfattr} live: owners and devices as root's, but
   * only {@code user.*} attributes, opaque markers included, so overlayfs mounted by root (which
   * reads {@code trusted.*} markers) must never use them.
   */
  public static Path userXattrsDirectory(Path storeRoot) {
    return storeRoot.resolve("layers-user-xattrs");
  }

  /** Records that a build just used the unpacked layer {@code dir}. */
  public static void markUsed(Path dir) throws IOException {
    Path marker = dir.resolveSibling(dir.getFileName() + USED);
    FileTime now = FileTime.from(Instant.now());
    try {
      Files.setLastModifiedTime(marker, now);
    } catch (NoSuchFileException e) {
      Files.newOutputStream(marker).close();
    }
  }

  /** What {@link #prune} removed. */
  public record Removed(int directories, long bytes) {}

  /**
   * Deletes the unpacked layers of {@code storeRoot} last used before {@code unusedBefore} (all of
   * them when {@code all}), and half-unpacked leftovers. The caller must make sure no build runs: a
   * running build's steps see these directories as their root filesystem.
   */
  public static Removed prune(Path storeRoot, boolean all, Instant unusedBefore)
      throws IOException {
    int directories = 0;
    long bytes = 0;
    for (Path root :
        List.of(
            directory(storeRoot),
            unprivilegedDirectory(storeRoot),
            userXattrsDirectory(storeRoot))) {
      if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          boolean leftover = name.startsWith(".unpack-");
          if (!leftover && !LAYER_DIR.matcher(name).matches()) {
            continue; // markers are handled with their directory; leave what we do not know
          }
          Path marker = root.resolve(name + USED);
          if (!leftover && !all && lastUse(entry, marker).isAfter(unusedBefore)) {
            continue;
          }
          bytes += size(entry);
          TreeDeletion.delete(entry);
          Files.deleteIfExists(marker);
          directories++;
        }
      }
    }
    return new Removed(directories, bytes);
  }

  private static Instant lastUse(Path dir, Path marker) throws IOException {
    Path which = Files.exists(marker) ? marker : dir;
    return Files.getLastModifiedTime(which, LinkOption.NOFOLLOW_LINKS).toInstant();
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.mapToLong(
              p -> {
                try {
                  BasicFileAttributes a =
                      Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                  return a.isRegularFile() ? a.size() : 0;
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }
}
