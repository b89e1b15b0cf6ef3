package dev.kiln.core.fs;

import dev.kiln.core.layer.ContentSource;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.layer.WrittenLayer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one layer holds, entry by entry in the order of its tar, without the bytes: each entry's
 * header and where its content starts in the layer's uncompressed tar. It is read once per layer
 * (when kiln writes, pulls or first reads the layer) and kept in the store by diffID, so that
 * resolving a path, looking up a user or finding the files of a {@code COPY --from} never reads a
 * layer again.
 *
 * <p>The entries are checked as the index is made, so every reader of the layer gets the same
 * answer: names that leave the root and names that are not UTF-8 are refused by {@link
 * LayerReader}, and a whiteout with an empty name ({@code dir/.wh.}) is refused here.
 */
public final class LayerIndex {
  private static final String MAGIC = "kiln-layer-index-1";

  /** Largest attribute value a layer can give an entry (its PAX headers are bounded so). */
  private static final int MAX_XATTR_VALUE = 8 * 1024 * 1024;

  private final List<LayerEntry> entries;
  private final long[] offsets;

  private LayerIndex(List<LayerEntry> entries, long[] offsets) {
    this.entries = Collections.unmodifiableList(entries);
    this.offsets = offsets;
  }

  /** Indexes the rest of the layer {@code reader} is reading. */
  public static LayerIndex of(LayerReader reader) throws IOException {
    Builder index = new Builder();
    for (Optional<LayerEntry> next = reader.next(); next.isPresent(); next = reader.next()) {
      index.add(next.get(), reader.dataOffset());
    }
    return index.build();
  }

  /**
   * An index made entry by entry while something else reads the layer (unpacking it), so the layer
   * is decompressed once for both.
   */
  public static final class Builder {
    private final List<LayerEntry> entries = new ArrayList<>();
    private long[] offsets = new long[256];

    /** An index of no entries yet. */
    public Builder() {}

    /**
     * Adds the next entry of the layer and where its content starts in the uncompressed tar.
     *
     * @throws LayerFormatException if the entry is refused as {@link #of(LayerReader)} refuses it
     */
    public void add(LayerEntry e, long dataOffset) throws LayerFormatException {
      check(e);
      if (entries.size() == offsets.length) {
        offsets = Arrays.copyOf(offsets, 2 * offsets.length);
      }
      offsets[entries.size()] = dataOffset;
      entries.add(unbound(e));
    }

    /** The index of the entries added. */
    public LayerIndex build() {
      return new LayerIndex(entries, Arrays.copyOf(offsets, entries.size()));
    }
  }

  /** The index of a layer kiln has just written (its entries as written, and their offsets). */
  public static LayerIndex of(WrittenLayer.TarContents contents) {
    List<LayerEntry> entries = new ArrayList<>(contents.headers().size());
    for (LayerEntry e : contents.headers()) {
      entries.add(unbound(e));
    }
    return new LayerIndex(entries, contents.dataOffsets().clone());
  }

  /** Whether {@code e} is well-formed beyond what the tar reader checks. */
  static void check(LayerEntry e) throws LayerFormatException {
    if (e.type() == EntryType.REGULAR && LayerPath.isWhiteout(e.path())) {
      String hidden = LayerPath.name(e.path()).substring(LayerPath.WHITEOUT_PREFIX.length());
      if (hidden.isEmpty()) {
        throw new LayerFormatException(
            "refusing layer: entry '"
                + LayerFormatException.excerpt(e.path())
                + "' is a whiteout with an empty name");
      }
    }
  }

  /** The number of entries. */
  public int size() {
    return entries.size();
  }

  /** Entry {@code i}'s header; its content is not readable until bound to the layer's bytes. */
  public LayerEntry header(int i) {
    return entries.get(i);
  }

  /** Where entry {@code i}'s content starts in the layer's uncompressed tar. */
  public long dataOffset(int i) {
    return offsets[i];
  }

  /** Entry {@code i} with its content read from {@code bytes}. */
  public LayerEntry entry(int i, LayerBytes bytes) {
    LayerEntry e = entries.get(i);
    if (e.type() != EntryType.REGULAR || e.size() == 0) {
      return e;
    }
    long offset = offsets[i];
    long size = e.size();
    String name = e.path();
    return e.withContent(size, () -> bytes.open(name, offset, size));
  }

  /** Writes the index in kiln's own binary form (read back by {@link #read}). */
  public void write(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    data.writeUTF(MAGIC);
    data.writeInt(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      LayerEntry e = entries.get(i);
      data.writeUTF(e.path());
      data.writeUTF(e.type().name());
      data.writeInt(e.mode());
      data.writeLong(e.uid());
      data.writeLong(e.gid());
      data.writeLong(e.size());
      data.writeLong(e.mtime());
      data.writeUTF(e.linkTarget());
      data.writeInt(e.devMajor());
      data.writeInt(e.devMinor());
      data.writeInt(e.xattrs().size());
      for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
        data.writeUTF(x.getKey());
        data.writeInt(x.getValue().length);
        data.write(x.getValue());
      }
      data.writeLong(offsets[i]);
    }
    data.writeInt(entries.size());
    data.flush();
  }

  /**
   * Reads an index {@link #write} wrote.
   *
   * <p>The file is trusted no more than a layer: counts and lengths in it are checked against what
   * a layer can hold and never used to allocate ahead of the data, and every entry is checked as
   * {@link #of(LayerReader)} checks it, so a damaged file costs memory in proportion to its size
   * and ends in an {@link IOException}.
   *
   * @throws IOException if it is damaged or of another version (the caller makes it again)
   */
  public static LayerIndex read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    if (!MAGIC.equals(data.readUTF())) {
      throw new IOException("not a kiln layer index of this version");
    }
    int count = data.readInt();
    if (count < 0) {
      throw new IOException("damaged layer index: " + count + " entries");
    }
    List<LayerEntry> entries = new ArrayList<>();
    long[] offsets = new long[Math.min(count, 1024)];
    try {
      for (int i = 0; i < count; i++) {
        String path = data.readUTF();
        EntryType type = EntryType.valueOf(data.readUTF());
        int mode = data.readInt();
        long uid = data.readLong();
        long gid = data.readLong();
        long size = data.readLong();
        long mtime = data.readLong();
        String link = data.readUTF();
        int major = data.readInt();
        int minor = data.readInt();
        int xattrCount = data.readInt();
        if (xattrCount < 0) {
          throw new IOException("damaged layer index: " + xattrCount + " attributes");
        }
        Map<String, byte[]> xattrs = xattrCount == 0 ? Map.of() : new TreeMap<>();
        for (int x = 0; x < xattrCount; x++) {
          String name = data.readUTF();
          int length = data.readInt();
          if (length < 0 || length > MAX_XATTR_VALUE) {
            throw new IOException("damaged layer index: an attribute of " + length + " bytes");
          }
          // readNBytes grows with what is there, not with what the length claims.
          byte[] value = data.readNBytes(length);
          if (value.length != length) {
            throw new EOFException("damaged layer index: truncated");
          }
          xattrs.put(name, value);
        }
        long offset = data.readLong();
        if (offset < 0) {
          throw new IOException("damaged layer index: data offset " + offset);
        }
        if (i == offsets.length) {
          offsets = Arrays.copyOf(offsets, (int) Math.min(count, 2L * offsets.length));
        }
        offsets[i] = offset;
        LayerEntry e =
            new LayerEntry(
                path,
                type,
                mode,
                uid,
                gid,
                size,
                mtime,
                link,
                major,
                minor,
                xattrs,
                size == 0 ? null : UNBOUND);
        check(e);
        entries.add(e);
      }
    } catch (IllegalArgumentException e) {
      throw new IOException(
          "damaged layer index: " + LayerFormatException.excerpt(String.valueOf(e.getMessage())),
          e);
    }
    if (data.readInt() != count) {
      throw new IOException("damaged layer index: truncated");
    }
    return new LayerIndex(entries, offsets);
  }

  private static final ContentSource UNBOUND =
      () -> {
        throw new IllegalStateException("a layer index entry's content is read through LayerBytes");
      };

  private static LayerEntry unbound(LayerEntry e) {
    return e.type() == EntryType.REGULAR && e.size() > 0 ? e.withContent(e.size(), UNBOUND) : e;
  }
}
