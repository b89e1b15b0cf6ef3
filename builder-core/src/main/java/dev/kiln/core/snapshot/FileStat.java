package dev.kiln.core.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code lstat} says about one file, through the JDK's {@code unix:*} attributes (no native
 * code): type, permission and special bits, owner, size, nanosecond mtime and ctime, device number,
 * and the link target of a symlink.
 */
record FileStat(
    FileType type,
    int mode,
    int uid,
    int gid,
    long size,
    Instant mtime,
    Instant ctime,
    long rdev,
    long dev,
    long ino,
    int nlink,
    String linkTarget) {

  /** File types as {@code st_mode & S_IFMT} encodes them. */
  enum FileType {
    REGULAR,
    DIRECTORY,
    SYMLINK,
    CHAR_DEVICE,
    BLOCK_DEVICE,
    FIFO,
    SOCKET
  }

  /** The stat of {@code path}, not following a final symlink. */
  static FileStat of(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, "unix:*", LinkOption.NOFOLLOW_LINKS);
    int rawMode = (Integer) a.get("mode");
    FileType type = typeOf(rawMode, path);
    String target = type == FileType.SYMLINK ? Files.readSymbolicLink(path).toString() : null;
    return new FileStat(
        type,
        rawMode & 07777,
        (Integer) a.get("uid"),
        (Integer) a.get("gid"),
        (Long) a.get("size"),
        ((FileTime) a.get("lastModifiedTime")).toInstant(),
        ((FileTime) a.get("ctime")).toInstant(),
        (Long) a.get("rdev"),
        (Long) a.get("dev"),
        (Long) a.get("ino"),
        (Integer) a.get("nlink"),
        target);
  }

  /** The stat of {@code path}, or empty when nothing is there. */
  static Optional<FileStat> ofIfExists(Path path) throws IOException {
    try {
      return Optional.of(of(path));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  boolean isDirectory() {
    return type == FileType.DIRECTORY;
  }

  /** A regular file with more than one name (hard links). */
  boolean isLinkedFile() {
    return type == FileType.REGULAR && nlink > 1;
  }

  /** An overlayfs whiteout: a character device with device number 0/0. */
  boolean isWhiteout() {
    return type == FileType.CHAR_DEVICE && rdev == 0;
  }

  private static FileType typeOf(int mode, Path path) {
    switch (mode & 0170000) {
      case 0100000:
        return FileType.REGULAR;
      case 0040000:
        return FileType.DIRECTORY;
      case 0120000:
        return FileType.SYMLINK;
      case 0020000:
        return FileType.CHAR_DEVICE;
      case 0060000:
        return FileType.BLOCK_DEVICE;
      case 0010000:
        return FileType.FIFO;
      case 0140000:
        return FileType.SOCKET;
      default:
        throw new IllegalStateException(
            "unknown file type " + Integer.toOctalString(mode) + " of " + path);
    }
  }
}
