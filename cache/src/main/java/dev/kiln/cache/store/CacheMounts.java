package dev.kiln.cache.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The contents of {@code RUN --mount=type=cache} mounts, kept across builds under {@code
 * mounts/cache/} of the store: one directory per cache, named by its id ({@link #nameOf}), and for
 * a cache seeded from a stage or an image ({@code -from-…}) or a further copy of a {@code
 * sharing=private} one ({@code .private-…}), the id's name with a suffix. Each use touches a marker
 * beside the directory ({@code NAME.used}), so a prune knows which were not needed for a while.
 * Their content is never part of a layer or a key: removing a cache mount only makes the next step
 * that mounts it start empty (or from its seed) again.
 */
public final class CacheMounts {
  private static final String USED = ".used";
  private static final String LOCK = ".lock";

  private CacheMounts() {}

  /** Where the cache mounts of the store at {@code storeRoot} live. */
  public static Path directory(Path storeRoot) {
    return storeRoot.resolve("mounts").resolve("cache");
  }

  /**
   * The directory name of the cache whose id is {@code id}: the id with characters a file name
   * should not have replaced, and its hash, so two ids that read alike stay apart.
   */
  public static String nameOf(String id) {
    return id.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + Integer.toHexString(id.hashCode());
  }

  /** Records that a step just mounted the cache directory {@code dir}. */
  public static void markUsed(Path dir) throws IOException {
    Path marker = dir.resolveSibling(dir.getFileName() + USED);
    try {
      Files.setLastModifiedTime(marker, FileTime.from(Instant.now()));
    } catch (NoSuchFileException e) {
      Files.newOutputStream(marker).close();
    }
  }

  /**
   * One cache mount directory.
   *
   * @param dir the directory
   * @param lastUsed when a step last mounted it (its marker), else when it last changed
   */
  public record CacheMount(Path dir, Instant lastUsed) {
    /** The directory's name: the cache's id as {@link #nameOf} wrote it, with any suffix. */
    public String name() {
      return dir.getFileName().toString();
    }

    /** Whether this is (a copy of) the cache whose id is {@code id}. */
    public boolean hasId(String id) {
      String base = nameOf(id);
      String name = name();
      return name.equals(base)
          || name.startsWith(base + "-from-")
          || name.startsWith(base + ".private-");
    }
  }

  /** Every cache mount of the store at {@code storeRoot}, in name order. */
  public static List<CacheMount> list(Path storeRoot) throws IOException {
    Path root = directory(storeRoot);
    List<CacheMount> mounts = new ArrayList<>();
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return mounts;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.startsWith(".") || !Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          continue; // markers, locks and half-made caches (.new-*) are not caches
        }
        Path marker = entry.resolveSibling(name + USED);
        Path which = Files.exists(marker) ? marker : entry;
        try {
          mounts.add(
              new CacheMount(
                  entry, Files.getLastModifiedTime(which, LinkOption.NOFOLLOW_LINKS).toInstant()));
        } catch (NoSuchFileException e) {
          // removed meanwhile
        }
      }
    }
    mounts.sort((a, b) -> a.name().compareTo(b.name()));
    return mounts;
  }

  /**
   * Deletes a cache mount with its marker and lock file. The caller must make sure no build runs: a
   * running step may have it mounted.
   */
  public static void delete(CacheMount mount) throws IOException {
    TreeDeletion.delete(mount.dir());
    Files.deleteIfExists(mount.dir().resolveSibling(mount.name() + USED));
    Files.deleteIfExists(mount.dir().resolveSibling(mount.name() + LOCK));
  }

  /** Deletes half-made caches ({@code .new-*}) left by killed builds; no build may run. */
  public static int deleteLeftovers(Path storeRoot) throws IOException {
    Path root = directory(storeRoot);
    int removed = 0;
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, ".new-*")) {
      for (Path entry : entries) {
        TreeDeletion.delete(entry);
        removed++;
      }
    }
    return removed;
  }
}
