package dev.kiln.cache.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * What files take on disk, as {@code du} counts it: whole blocks (a 10-byte file takes a block),
 * directories too, a hard-linked file once however many names it has, symbolic links not followed,
 * and no other file system entered (a running build's overlay mounts under {@code tmp/} would count
 * the layers below them twice). One instance remembers the files it has counted, so that areas
 * measured one after the other never count a shared inode twice.
 *
 * <p>Java reports no block count, so a file's blocks are its size rounded up to the file system's
 * block size: exact for ext4 and xfs without sparse files, which kiln never writes.
 */
public final class DiskSpace {
  /** Short symlink targets live in the inode itself (ext4: under 60 bytes) and take no block. */
  private static final long INLINE_SYMLINK = 60;

  private final long blockSize;
  private final Object device;
  private final Set<Object> counted = new HashSet<>();

  private DiskSpace(long blockSize, Object device) {
    this.blockSize = blockSize;
    this.device = device;
  }

  /** Measures files under {@code root} (the store), on its file system. */
  public static DiskSpace of(Path root) throws IOException {
    long block = 4096;
    try {
      block = Math.max(512, Files.getFileStore(root).getBlockSize());
    } catch (IOException | UnsupportedOperationException e) {
      // the common block size is a fine guess
    }
    return new DiskSpace(block, device(root));
  }

  /** The bytes {@code path} and everything below it take, not counting what was counted before. */
  public long measure(Path path) throws IOException {
    return measure(path, p -> false);
  }

  /** As {@link #measure(Path)}, leaving out {@code skip}ped paths and what is below them. */
  public long measure(Path path, java.util.function.Predicate<Path> skip) throws IOException {
    long total = 0;
    Deque<Path> todo = new ArrayDeque<>();
    todo.add(path);
    while (!todo.isEmpty()) {
      Path p = todo.removeFirst();
      if (skip.test(p)) {
        continue;
      }
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        continue; // removed meanwhile (a build's temp file): nothing to count
      }
      Object key = a.fileKey();
      if (key != null && !counted.add(key)) {
        continue;
      }
      if (a.isSymbolicLink()) {
        total += a.size() < INLINE_SYMLINK ? 0 : blocks(a.size());
        continue;
      }
      total += blocks(a.size());
      if (a.isDirectory() && (device == null || device.equals(device(p)))) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(p)) {
          children.forEach(todo::add);
        } catch (NoSuchFileException e) {
          // removed meanwhile
        } catch (java.nio.file.AccessDeniedException e) {
          // a directory a step made unreadable: its own block is counted, its content not
        }
      }
    }
    return total;
  }

  private long blocks(long size) {
    return (size + blockSize - 1) / blockSize * blockSize;
  }

  private static Object device(Path path) {
    try {
      return Files.getAttribute(path, "unix:dev", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }
}
