package dev.kiln.core.layer;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One file of a layer: what a tar header says about it, and a way to open its bytes later.
 *
 * <p>The same record comes from every source the builder has: a walk of the build context ({@link
 * DirectoryEntries}), another layer ({@link LayerReader}, for {@code COPY --from}), synthetic
 * entries ({@code WORKDIR}'s directory, heredoc files) and, later, RUN diffs (whiteouts are regular
 * empty files with the OCI names, see {@link #whiteout}). {@link LayerTree} puts any mix of them
 * into the canonical order {@link LayerWriter} requires.
 *
 * <p>Equality compares metadata, including xattr bytes, but not content: two sources are never
 * equal, and comparing bytes would mean reading them.
 *
 * @param path canonical path relative to the image root ({@link LayerPath})
 * @param type the kind of file
 * @param mode permission bits including setuid, setgid and sticky ({@code 07777} at most); the file
 *     type is {@code type}, not part of the mode
 * @param uid numeric owner (no user names are stored)
 * @param gid numeric group
 * @param size content length of a regular file, 0 for every other type
 * @param mtime modification time in whole seconds since the epoch
 * @param linkTarget a symlink's target, kept verbatim; a hardlink's canonical layer path; empty for
 *     every other type
 * @param devMajor major device number of a device, else 0
 * @param devMinor minor device number of a device, else 0
 * @param xattrs extended attributes by full name (e.g. {@code security.capability}), values as raw
 *     bytes; sorted and unmodifiable (the arrays are copies made at construction: do not change
 *     them)
 * @param content the bytes of a regular file, opened when needed
 */
public record LayerEntry(
    String path,
    EntryType type,
    int mode,
    long uid,
    long gid,
    long size,
    long mtime,
    String linkTarget,
    int devMajor,
    int devMinor,
    Map<String, byte[]> xattrs,
    ContentSource content) {

  /** The order {@link LayerWriter} requires: {@link LayerPath#compare} on the paths. */
  public static final Comparator<LayerEntry> CANONICAL_ORDER =
      (a, b) -> LayerPath.compare(a.path(), b.path());

  /** Largest device number a tar header holds (7 octal digits). */
  static final int MAX_DEVICE_NUMBER = 07777777;

  public LayerEntry {
    Objects.requireNonNull(type, "type");
    LayerPath.requireCanonical(path, "layer path");
    if ((mode & ~07777) != 0) {
      throw new IllegalArgumentException(
          path + ": mode " + Integer.toOctalString(mode) + " has bits outside 07777");
    }
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException(path + ": negative uid or gid " + uid + ":" + gid);
    }
    if (size < 0 || (size != 0 && type != EntryType.REGULAR)) {
      throw new IllegalArgumentException(path + ": size " + size + " for a " + type);
    }
    linkTarget = linkTarget == null ? "" : linkTarget;
    boolean isLink = type == EntryType.SYMLINK || type == EntryType.HARDLINK;
    if (isLink == linkTarget.isEmpty()) {
      throw new IllegalArgumentException(
          path
              + ": "
              + (isLink ? "a " + type + " needs a target" : "a " + type + " has no target"));
    }
    if (linkTarget.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(path + ": link target contains a NUL character");
    }
    if (type == EntryType.HARDLINK) {
      LayerPath.requireCanonical(linkTarget, path + ": hardlink target");
    }
    if (type.isDevice()) {
      if (devMajor < 0
          || devMinor < 0
          || devMajor > MAX_DEVICE_NUMBER
          || devMinor > MAX_DEVICE_NUMBER) {
        throw new IllegalArgumentException(
            path + ": device number " + devMajor + "," + devMinor + " out of range");
      }
    } else if (devMajor != 0 || devMinor != 0) {
      throw new IllegalArgumentException(path + ": a " + type + " has no device number");
    }
    xattrs = copyXattrs(path, xattrs);
    if (type != EntryType.REGULAR) {
      if (content != null && content != ContentSource.EMPTY) {
        throw new IllegalArgumentException(path + ": a " + type + " has no content");
      }
      content = ContentSource.EMPTY;
    } else if (content == null) {
      if (size != 0) {
        throw new IllegalArgumentException(path + ": a file of " + size + " bytes needs content");
      }
      content = ContentSource.EMPTY;
    }
  }

  private static Map<String, byte[]> copyXattrs(String path, Map<String, byte[]> xattrs) {
    if (xattrs == null || xattrs.isEmpty()) {
      return Map.of();
    }
    TreeMap<String, byte[]> copy = new TreeMap<>();
    xattrs.forEach(
        (name, value) -> {
          if (name.isEmpty()
              || name.indexOf('=') >= 0
              || name.indexOf('\0') >= 0
              || name.indexOf('\n') >= 0) {
            // '=' ends a PAX keyword, so such a name could not be stored.
            throw new IllegalArgumentException(path + ": invalid xattr name '" + name + "'");
          }
          copy.put(name, value.clone());
        });
    return Collections.unmodifiableMap(copy);
  }

  /** A directory. */
  public static LayerEntry directory(String path, int mode, long uid, long gid, long mtime) {
    return new LayerEntry(
        path, EntryType.DIRECTORY, mode, uid, gid, 0, mtime, "", 0, 0, Map.of(), null);
  }

  /** A regular file of {@code size} bytes whose content {@code content} opens when needed. */
  public static LayerEntry regularFile(
      String path, int mode, long uid, long gid, long mtime, long size, ContentSource content) {
    return new LayerEntry(
        path, EntryType.REGULAR, mode, uid, gid, size, mtime, "", 0, 0, Map.of(), content);
  }

  /** A regular file with content held in memory (heredocs, small synthetic files). */
  public static LayerEntry regularFile(
      String path, int mode, long uid, long gid, long mtime, byte[] content) {
    return regularFile(path, mode, uid, gid, mtime, content.length, ContentSource.ofBytes(content));
  }

  /** A symlink; {@code target} is stored verbatim and may be absolute or dangling. */
  public static LayerEntry symlink(String path, String target, long uid, long gid, long mtime) {
    return new LayerEntry(
        path, EntryType.SYMLINK, 0777, uid, gid, 0, mtime, target, 0, 0, Map.of(), null);
  }

  /** A second name for the regular file at {@code target}, which must come earlier in the layer. */
  public static LayerEntry hardlink(
      String path, String target, int mode, long uid, long gid, long mtime) {
    return new LayerEntry(
        path, EntryType.HARDLINK, mode, uid, gid, 0, mtime, target, 0, 0, Map.of(), null);
  }

  /** A character ({@code CHAR_DEVICE}) or block ({@code BLOCK_DEVICE}) device node. */
  public static LayerEntry device(
      String path, EntryType type, int mode, long uid, long gid, long mtime, int major, int minor) {
    if (!type.isDevice()) {
      throw new IllegalArgumentException(path + ": " + type + " is not a device type");
    }
    return new LayerEntry(path, type, mode, uid, gid, 0, mtime, "", major, minor, Map.of(), null);
  }

  /** A named pipe. */
  public static LayerEntry fifo(String path, int mode, long uid, long gid, long mtime) {
    return new LayerEntry(path, EntryType.FIFO, mode, uid, gid, 0, mtime, "", 0, 0, Map.of(), null);
  }

  /** A whiteout hiding {@code hiddenPath} of lower layers: an empty file {@code dir/.wh.name}. */
  public static LayerEntry whiteout(String hiddenPath, long mtime) {
    LayerPath.requireCanonical(hiddenPath, "whiteout target");
    String name = LayerPath.name(hiddenPath);
    if (name.startsWith(LayerPath.WHITEOUT_PREFIX)) {
      throw new IllegalArgumentException(
          "'" + hiddenPath + "' cannot be whited out: its name is itself a whiteout name");
    }
    String path = LayerPath.child(LayerPath.parent(hiddenPath), LayerPath.WHITEOUT_PREFIX + name);
    return new LayerEntry(path, EntryType.REGULAR, 0, 0, 0, 0, mtime, "", 0, 0, Map.of(), null);
  }

  /** An opaque whiteout: everything lower layers have in {@code directory} is hidden. */
  public static LayerEntry opaqueWhiteout(String directory, long mtime) {
    LayerPath.requireCanonical(directory, "opaque directory");
    return new LayerEntry(
        directory + "/" + LayerPath.OPAQUE_WHITEOUT,
        EntryType.REGULAR,
        0,
        0,
        0,
        0,
        mtime,
        "",
        0,
        0,
        Map.of(),
        null);
  }

  /** Whether this is a whiteout or opaque whiteout rather than a file. */
  public boolean isWhiteout() {
    return type == EntryType.REGULAR && LayerPath.isWhiteout(path);
  }

  /** Whether this is an opaque whiteout. */
  public boolean isOpaqueWhiteout() {
    return type == EntryType.REGULAR && LayerPath.isOpaqueWhiteout(path);
  }

  public LayerEntry withPath(String newPath) {
    return new LayerEntry(
        newPath,
        type,
        mode,
        uid,
        gid,
        size,
        mtime,
        linkTarget,
        devMajor,
        devMinor,
        xattrs,
        content);
  }

  public LayerEntry withMode(int newMode) {
    return new LayerEntry(
        path,
        type,
        newMode,
        uid,
        gid,
        size,
        mtime,
        linkTarget,
        devMajor,
        devMinor,
        xattrs,
        content);
  }

  public LayerEntry withOwner(long newUid, long newGid) {
    return new LayerEntry(
        path,
        type,
        mode,
        newUid,
        newGid,
        size,
        mtime,
        linkTarget,
        devMajor,
        devMinor,
        xattrs,
        content);
  }

  public LayerEntry withMtime(long newMtime) {
    return new LayerEntry(
        path,
        type,
        mode,
        uid,
        gid,
        size,
        newMtime,
        linkTarget,
        devMajor,
        devMinor,
        xattrs,
        content);
  }

  public LayerEntry withXattrs(Map<String, byte[]> newXattrs) {
    return new LayerEntry(
        path,
        type,
        mode,
        uid,
        gid,
        size,
        mtime,
        linkTarget,
        devMajor,
        devMinor,
        newXattrs,
        content);
  }

  /** This entry with other content of {@code newSize} bytes (regular files only). */
  public LayerEntry withContent(long newSize, ContentSource newContent) {
    return new LayerEntry(
        path,
        type,
        mode,
        uid,
        gid,
        newSize,
        mtime,
        linkTarget,
        devMajor,
        devMinor,
        xattrs,
        newContent);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LayerEntry other)) {
      return false;
    }
    if (!path.equals(other.path)
        || type != other.type
        || mode != other.mode
        || uid != other.uid
        || gid != other.gid
        || size != other.size
        || mtime != other.mtime
        || !linkTarget.equals(other.linkTarget)
        || devMajor != other.devMajor
        || devMinor != other.devMinor
        || !xattrs.keySet().equals(other.xattrs.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
      if (!Arrays.equals(x.getValue(), other.xattrs.get(x.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(path, type, mode, uid, gid, size, mtime, linkTarget, devMajor, devMinor);
    for (Map.Entry<String, byte[]> x : xattrs.entrySet()) {
      h = 31 * h + x.getKey().hashCode() * 17 + Arrays.hashCode(x.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder()
            .append(type)
            .append(' ')
            .append(path)
            .append(" mode=0")
            .append(Integer.toOctalString(mode))
            .append(' ')
            .append(uid)
            .append(':')
            .append(gid)
            .append(" size=")
            .append(size)
            .append(" mtime=")
            .append(mtime);
    if (!linkTarget.isEmpty()) {
      s.append(" -> ").append(linkTarget);
    }
    if (type.isDevice()) {
      s.append(" dev=").append(devMajor).append(',').append(devMinor);
    }
    xattrs.forEach(
        (k, v) -> s.append(" xattr:").append(k).append("=0x").append(HexFormat.of().formatHex(v)));
    return s.toString();
  }
}
