package dev.kiln.core.snapshot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Whether an entry of the step's rootfs equals the entry the layers below show at the same path, by
 * what a layer records: type, permission and special bits, owner, mtime (nanoseconds), extended
 * attributes (capabilities included), and by type the size, link target or device number. Equal
 * metadata does not prove equal content (a tool may write a file and restore its mtime); each
 * snapshotter decides when that doubt is real and then compares bytes.
 */
final class EntryComparison {
  private EntryComparison() {}

  static boolean sameMetadata(FileStat a, List<Xattr> xa, FileStat b, List<Xattr> xb) {
    if (a.type() != b.type()
        || a.mode() != b.mode()
        || a.uid() != b.uid()
        || a.gid() != b.gid()
        || !a.mtime().equals(b.mtime())
        || !xa.equals(xb)) {
      return false;
    }
    switch (a.type()) {
      case REGULAR:
        return a.size() == b.size();
      case SYMLINK:
        return Objects.equals(a.linkTarget(), b.linkTarget());
      case CHAR_DEVICE:
      case BLOCK_DEVICE:
        return a.rdev() == b.rdev();
      default:
        return true;
    }
  }

  /** Byte-for-byte equality of two regular files, read in chunks. */
  static boolean sameContent(Path a, Path b) throws IOException {
    return Files.mismatch(a, b) == -1L;
  }
}
