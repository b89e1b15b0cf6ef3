package dev.kiln.core.layer;

import dev.kiln.registry.model.Compression;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Streams the entries of a layer blob, whatever its compression (gzip, zstd or none, recognised by
 * the first bytes).
 *
 * <p>Each entry's {@link LayerEntry#content()} can be opened once, and only while the reader is on
 * that entry: the bytes are read straight from the stream. Copying entries into a {@link
 * LayerWriter} one by one therefore works; collecting them first (e.g. in a {@link LayerTree})
 * needs their content put somewhere else first.
 *
 * <p>Names are checked as they are read: an absolute name, a {@code ..} component or a hardlink
 * target of that kind ends reading with an {@link UnsafeLayerEntryException}, so no consumer ever
 * sees one. Leading {@code ./}, repeated slashes and {@code .} components are normalised away, and
 * an entry for the root directory itself is skipped. Other checks that need the file system (such
 * as symlinks that lead out) are the {@link LayerExtractor}'s.
 *
 * <p>Whatever the blob holds, reading it fails only with a {@link LayerFormatException} (a damaged
 * tar or gzip/zstd stream, a name that leaves the root, an unsupported feature; its message quotes
 * at most a short excerpt of any name) or with the {@link IOException} of reading the blob itself.
 * Memory does not grow with what a header claims: extended headers (PAX records, GNU long names)
 * before one entry add up to at most 8 MiB, global PAX headers too, and a name (path, link target,
 * attribute name) longer than 32 KiB, which no file system could hold, is refused.
 */
public final class LayerReader implements Closeable {
  private final InputStream decompressed;
  private final Compression compression;
  private final TarReader tar;
  private long position;

  private LayerReader(InputStream decompressed, Compression compression) {
    this.decompressed = decompressed;
    this.compression = compression;
    this.tar = new TarReader(decompressed);
  }

  /** Starts reading a layer; the reader owns {@code blob} and closes it. */
  public static LayerReader open(InputStream blob) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(blob, 64 * 1024);
    Compression compression = detect(buffered);
    return new LayerReader(DecompressedStream.of(buffered, compression), compression);
  }

  /**
   * Starts reading an uncompressed tar stream (a {@link VerifiedTar}); the reader owns {@code tar}
   * and closes it.
   */
  public static LayerReader ofTar(InputStream tar) {
    return new LayerReader(tar, Compression.NONE);
  }

  /**
   * The uncompressed tar stream of a layer blob, whatever its compression; the stream owns {@code
   * blob} and closes it.
   */
  public static InputStream uncompressed(InputStream blob) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(blob, 64 * 1024);
    return DecompressedStream.of(buffered, detect(buffered));
  }

  private static Compression detect(BufferedInputStream buffered) throws IOException {
    buffered.mark(4);
    byte[] magic = buffered.readNBytes(4);
    buffered.reset();
    return Compression.detect(magic, magic.length);
  }

  /** The compression found from the blob's first bytes. */
  public Compression compression() {
    return compression;
  }

  /**
   * Where the content of the entry {@link #next} returned last starts in the layer's uncompressed
   * tar stream.
   */
  public long dataOffset() {
    return tar.dataOffset();
  }

  /**
   * The next entry, or empty at the end of the layer.
   *
   * @throws LayerFormatException if the layer is damaged, unsafe or uses what kiln does not read
   * @throws IOException if the blob cannot be read
   */
  public Optional<LayerEntry> next() throws IOException {
    while (true) {
      TarReader.Header h = tar.next();
      if (h == null) {
        return Optional.empty();
      }
      position++;
      String path = checkedPath(h.name(), h.name());
      if (path.isEmpty()) {
        continue; // the root directory itself
      }
      return Optional.of(toEntry(h, path, position));
    }
  }

  private LayerEntry toEntry(TarReader.Header h, String path, long at) throws IOException {
    EntryType type;
    String link = "";
    switch (h.type()) {
      case '0':
        type = EntryType.REGULAR;
        break;
      case '1':
        type = EntryType.HARDLINK;
        link = checkedPath(h.name(), h.linkName());
        if (link.isEmpty()) {
          throw new UnsafeLayerEntryException(h.name(), "is a hardlink to the root directory");
        }
        break;
      case '2':
        type = EntryType.SYMLINK;
        link = h.linkName();
        if (link.isEmpty()) {
          throw new LayerFormatException(
              "symlink '" + LayerFormatException.excerpt(h.name()) + "' has an empty target");
        }
        break;
      case '3':
        type = EntryType.CHAR_DEVICE;
        break;
      case '4':
        type = EntryType.BLOCK_DEVICE;
        break;
      case '5':
        type = EntryType.DIRECTORY;
        break;
      case '6':
        type = EntryType.FIFO;
        break;
      default:
        throw new LayerFormatException(
            "'" + LayerFormatException.excerpt(h.name()) + "' has unsupported type " + h.type());
    }
    ContentSource content = type == EntryType.REGULAR ? singleUse(h.name(), at) : null;
    try {
      return new LayerEntry(
          path,
          type,
          h.mode(),
          h.uid(),
          h.gid(),
          type == EntryType.REGULAR ? h.size() : 0,
          h.mtime(),
          link,
          type.isDevice() ? h.devMajor() : 0,
          type.isDevice() ? h.devMinor() : 0,
          h.xattrs(),
          content);
    } catch (IllegalArgumentException e) {
      // The record's messages start with the path, which may be long: say it once, shortened.
      String reason = e.getMessage();
      if (reason.startsWith(path + ": ")) {
        reason = reason.substring(path.length() + 2);
      }
      throw new LayerFormatException(
          "layer entry '"
              + LayerFormatException.excerpt(h.name())
              + "' is invalid: "
              + LayerFormatException.excerpt(reason),
          e);
    }
  }

  private ContentSource singleUse(String name, long at) {
    boolean[] opened = {false};
    return () -> {
      if (position != at || opened[0]) {
        throw new IllegalStateException(
            "the content of layer entry '"
                + name
                + "' can only be read once, while the reader is on it");
      }
      opened[0] = true;
      return tar.content();
    };
  }

  /**
   * The canonical form of a name from the tar, or "" for the root; refuses names that leave the
   * root.
   */
  static String checkedPath(String entryName, String name) throws UnsafeLayerEntryException {
    if (name.startsWith("/")) {
      throw new UnsafeLayerEntryException(
          entryName,
          (name.equals(entryName) ? "has" : "links to")
              + " an absolute name ('"
              + LayerFormatException.excerpt(name)
              + "')");
    }
    StringBuilder out = new StringBuilder(name.length());
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        throw new UnsafeLayerEntryException(
            entryName,
            (name.equals(entryName)
                    ? "has"
                    : "links to '" + LayerFormatException.excerpt(name) + "', which has")
                + " a '..' component");
      }
      if (part.indexOf('\0') >= 0) {
        throw new UnsafeLayerEntryException(entryName, "contains a NUL character");
      }
      if (out.length() > 0) {
        out.append('/');
      }
      out.append(part);
    }
    return out.toString();
  }

  @Override
  public void close() throws IOException {
    decompressed.close();
  }
}
