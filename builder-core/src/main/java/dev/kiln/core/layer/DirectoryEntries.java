package dev.kiln.core.layer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Describes files on disk (a build context, a stage's root file system, a RUN snapshot) as layer
 * entries, in canonical order, with content opened only when the layer is written.
 *
 * <p>Everything is read with {@code lstat}: symlinks are entries, never followed. Files with
 * several links become one regular entry (the first in canonical order) and hardlinks to it.
 * Sockets are skipped, since a tar cannot hold them. Times are truncated to whole seconds. A file
 * whose name starts with {@code .wh.} is refused: in a layer that name means a whiteout, so copying
 * it would delete files instead.
 */
public final class DirectoryEntries {
  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;
  private static final int S_IFLNK = 0120000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFDIR = 0040000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFIFO = 0010000;

  private final boolean withXattrs;
  private final Map<Object, String> firstNameOfInode = new HashMap<>();
  private final List<LayerEntry> entries = new ArrayList<>();
  private Map<String, Map<String, byte[]>> xattrs = Map.of();

  private DirectoryEntries(boolean withXattrs) {
    this.withXattrs = withXattrs;
  }

  /**
   * Entries for {@code source} placed at {@code destination} (a layer path; "" for the root): a
   * directory yields itself (unless placed at the root) and everything below it, anything else a
   * single entry.
   *
   * @param withXattrs also read extended attributes (with {@code getfattr}, package {@code attr})
   */
  public static List<LayerEntry> read(Path source, String destination, boolean withXattrs)
      throws IOException {
    DirectoryEntries walk = new DirectoryEntries(withXattrs);
    Path absolute = source.toAbsolutePath().normalize();
    if (destination.isEmpty() && !Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException(source + " is not a directory and cannot be the root");
    }
    if (!destination.isEmpty()) {
      LayerPath.requireCanonical(destination, "destination");
    }
    if (withXattrs) {
      walk.xattrs = ExtendedAttributes.readTree(absolute);
    }
    walk.visit(absolute, destination);
    return walk.entries;
  }

  private void visit(Path file, String layerPath) throws IOException {
    Map<String, Object> stat = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) stat.get("mode");
    int format = mode & S_IFMT;
    if (format == S_IFSOCK) {
      return;
    }
    if (!layerPath.isEmpty()) {
      entries.add(entry(file, layerPath, stat, mode, format));
    }
    if (format != S_IFDIR) {
      return;
    }
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(file)) {
      for (Path child : children) {
        String name = child.getFileName().toString();
        if (name.startsWith(LayerPath.WHITEOUT_PREFIX)) {
          throw new IOException(
              child
                  + ": file names starting with '"
                  + LayerPath.WHITEOUT_PREFIX
                  + "' mean deletions (whiteouts) in an image layer and cannot be copied;"
                  + " rename the file or exclude it in .dockerignore");
        }
        names.add(name);
      }
    }
    names.sort(LayerPath::compare);
    for (String name : names) {
      visit(file.resolve(name), LayerPath.child(layerPath, name));
    }
  }

  private LayerEntry entry(
      Path file, String layerPath, Map<String, Object> stat, int mode, int format)
      throws IOException {
    int permissions = mode & 07777;
    long uid = Integer.toUnsignedLong((Integer) stat.get("uid"));
    long gid = Integer.toUnsignedLong((Integer) stat.get("gid"));
    long mtime = Math.floorDiv(((FileTime) stat.get("lastModifiedTime")).toMillis(), 1000);
    LayerEntry entry;
    switch (format) {
      case S_IFDIR:
        entry = LayerEntry.directory(layerPath, permissions, uid, gid, mtime);
        break;
      case S_IFREG:
        if ((Integer) stat.get("nlink") > 1) {
          String first = firstNameOfInode.putIfAbsent(stat.get("fileKey"), layerPath);
          if (first != null) {
            entry = LayerEntry.hardlink(layerPath, first, permissions, uid, gid, mtime);
            break;
          }
        }
        entry =
            LayerEntry.regularFile(
                layerPath,
                permissions,
                uid,
                gid,
                mtime,
                (Long) stat.get("size"),
                ContentSource.ofFile(file));
        break;
      case S_IFLNK:
        entry =
            LayerEntry.symlink(layerPath, Files.readSymbolicLink(file).toString(), uid, gid, mtime);
        break;
      case S_IFCHR:
      case S_IFBLK:
        long rdev = (Long) stat.get("rdev");
        // glibc's major()/minor() for Linux's 64-bit dev_t.
        int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
        int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
        entry =
            LayerEntry.device(
                layerPath,
                format == S_IFCHR ? EntryType.CHAR_DEVICE : EntryType.BLOCK_DEVICE,
                permissions,
                uid,
                gid,
                mtime,
                major,
                minor);
        break;
      case S_IFIFO:
        entry = LayerEntry.fifo(layerPath, permissions, uid, gid, mtime);
        break;
      default:
        throw new IOException(file + ": unknown file type " + Integer.toOctalString(format));
    }
    if (withXattrs && entry.type() != EntryType.HARDLINK) {
      Map<String, byte[]> x = xattrs.get(file.toString());
      if (x != null && !x.isEmpty()) {
        entry = entry.withXattrs(x);
      }
    }
    return entry;
  }
}
