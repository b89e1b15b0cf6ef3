package dev.kiln.core.step;

import dev.kiln.core.layer.EntryType;

/**
 * What a file on disk (in the build context or a directory tree kiln reads) becomes in a layer, and
 * which of its parts may be read, decided from its {@code st_mode} alone so that nothing is opened
 * to find out.
 *
 * <p>As BuildKit's context transfer (fsutil) does: a FIFO and a character or block device are
 * copied as entries of their own type (with the device numbers), never opened; a unix socket, which
 * a tar cannot hold, becomes an empty regular file with the socket's permission bits. Only regular
 * files have content, and only regular files and directories have extended attributes: Linux allows
 * {@code user.*} attributes on nothing else, and reading attributes through the JDK opens the file,
 * which blocks forever on a FIFO without a writer and may act on a device.
 */
public final class DiskFileTypes {
  private static final int TYPE_BITS = 0170000;
  private static final int SOCKET = 0140000;
  private static final int REGULAR = 0100000;
  private static final int DIRECTORY = 0040000;

  private DiskFileTypes() {}

  /** The entry type a file with {@code rawMode} is copied as; null for an unknown type. */
  public static EntryType entryType(int rawMode) {
    return switch (rawMode & TYPE_BITS) {
      case REGULAR, SOCKET -> EntryType.REGULAR;
      case DIRECTORY -> EntryType.DIRECTORY;
      case 0120000 -> EntryType.SYMLINK;
      case 0020000 -> EntryType.CHAR_DEVICE;
      case 0060000 -> EntryType.BLOCK_DEVICE;
      case 0010000 -> EntryType.FIFO;
      default -> null;
    };
  }

  /** Whether the file's bytes are copied: only a real regular file's (a socket is empty). */
  public static boolean hasContent(int rawMode) {
    return (rawMode & TYPE_BITS) == REGULAR;
  }

  /** Whether the file may carry extended attributes worth reading (and may be opened for them). */
  public static boolean mayHaveXattrs(int rawMode) {
    int type = rawMode & TYPE_BITS;
    return type == REGULAR || type == DIRECTORY;
  }
}
