package dev.kiln.core.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes layer entries as a deterministic POSIX tar: USTAR headers, with a PAX extended header only
 * for what USTAR cannot hold.
 *
 * <p>Why not commons-compress's {@code TarArchiveOutputStream}: it takes PAX values as Java strings
 * and writes them UTF-8 encoded, so an xattr value such as {@code security.capability} (arbitrary
 * bytes: {@code 0x80} comes out as {@code c2 80}) cannot be written as the raw bytes GNU tar, Go's
 * archive/tar and every container runtime read back. It also chooses its own PAX header names and
 * fills in a current mtime unless every field is set. The format itself is small, so kiln writes it
 * directly and controls every byte:
 *
 * <ul>
 *   <li>names and link targets go in the USTAR fields when they are ASCII and fit (the name split
 *       over prefix and name at a {@code /}), else in PAX {@code path}/{@code linkpath};
 *   <li>uid, gid, size and mtime in octal, or in PAX when out of octal range; no atime/ctime;
 *   <li>uname/gname always empty: ownership is numeric;
 *   <li>xattrs as {@code SCHILY.xattr.NAME} records with the raw value bytes;
 *   <li>PAX keys sorted by their UTF-8 bytes, PAX headers named {@code PaxHeaders/NAME} with mode
 *       0644, owner 0:0 and mtime 0;
 *   <li>no GNU extensions, and the archive ends with two zero blocks and no record padding.
 * </ul>
 */
final class TarWriter {
  static final int BLOCK = 512;
  private static final long MAX_OCTAL_7 = 07777777L;
  private static final long MAX_OCTAL_11 = 077777777777L;
  private static final byte[] ZEROS = new byte[BLOCK];

  private final OutputStream out;
  private final long[] written = new long[1];
  private final byte[] header = new byte[BLOCK];
  private final byte[] copyBuffer = new byte[64 * 1024];

  TarWriter(OutputStream out) {
    // Counted here, so each entry's data offset is known as it is written (for the layer index).
    this.out =
        new java.io.FilterOutputStream(out) {
          @Override
          public void write(int b) throws IOException {
            out.write(b);
            written[0]++;
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written[0] += len;
          }
        };
  }

  /**
   * Writes {@code entry} with modification time {@code mtime}, copying a regular file's content;
   * returns where the content starts in the tar.
   */
  long write(LayerEntry entry, long mtime) throws IOException {
    Map<String, byte[]> pax = new TreeMap<>(TarWriter::compareUtf8);
    String name = entry.path() + (entry.type() == EntryType.DIRECTORY ? "/" : "");
    String[] split = splitUstarName(name);
    if (split == null) {
      pax.put("path", utf8(name));
      split = new String[] {"", fallback(name, 100)};
    }
    String link = entry.linkTarget();
    if (!link.isEmpty() && !(isAscii(link) && link.length() <= 100)) {
      pax.put("linkpath", utf8(link));
      link = fallback(link, 100);
    }
    long uid = entry.uid();
    if (uid > MAX_OCTAL_7) {
      pax.put("uid", ascii(Long.toString(uid)));
      uid = 0;
    }
    long gid = entry.gid();
    if (gid > MAX_OCTAL_7) {
      pax.put("gid", ascii(Long.toString(gid)));
      gid = 0;
    }
    long size = entry.size();
    if (size > MAX_OCTAL_11) {
      pax.put("size", ascii(Long.toString(size)));
      size = 0;
    }
    long headerMtime = mtime;
    if (mtime < 0 || mtime > MAX_OCTAL_11) {
      pax.put("mtime", ascii(Long.toString(mtime)));
      headerMtime = 0;
    }
    for (Map.Entry<String, byte[]> x : entry.xattrs().entrySet()) {
      pax.put("SCHILY.xattr." + x.getKey(), x.getValue());
    }
    if (!pax.isEmpty()) {
      byte[] records = paxRecords(pax);
      String paxName = fallback("PaxHeaders/" + LayerPath.name(entry.path()), 100);
      writeHeader(paxName, "", 0644, 0, 0, records.length, 0, 'x', "", 0, 0);
      out.write(records);
      pad(records.length);
    }
    writeHeader(
        split[1],
        split[0],
        entry.mode(),
        uid,
        gid,
        size,
        headerMtime,
        typeflag(entry.type()),
        link,
        entry.devMajor(),
        entry.devMinor());
    long dataOffset = written[0];
    if (entry.type() == EntryType.REGULAR) {
      copyContent(entry);
      pad(entry.size());
    }
    return dataOffset;
  }

  /** Ends the archive: two zero blocks. */
  void finish() throws IOException {
    out.write(ZEROS);
    out.write(ZEROS);
  }

  private void copyContent(LayerEntry entry) throws IOException {
    long remaining = entry.size();
    try (InputStream in = entry.content().open()) {
      while (remaining > 0) {
        int n = in.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, remaining));
        if (n < 0) {
          throw new IOException(
              entry.path()
                  + ": content ended after "
                  + (entry.size() - remaining)
                  + " of "
                  + entry.size()
                  + " bytes (did the file change while the layer was written?)");
        }
        out.write(copyBuffer, 0, n);
        remaining -= n;
      }
      if (in.read() >= 0) {
        throw new IOException(
            entry.path()
                + ": content is longer than its "
                + entry.size()
                + " bytes (did the file change while the layer was written?)");
      }
    }
  }

  private void pad(long length) throws IOException {
    int rest = (int) (length % BLOCK);
    if (rest != 0) {
      out.write(ZEROS, 0, BLOCK - rest);
    }
  }

  private static char typeflag(EntryType type) {
    switch (type) {
      case REGULAR:
        return '0';
      case HARDLINK:
        return '1';
      case SYMLINK:
        return '2';
      case CHAR_DEVICE:
        return '3';
      case BLOCK_DEVICE:
        return '4';
      case DIRECTORY:
        return '5';
      case FIFO:
        return '6';
      default:
        throw new IllegalArgumentException("no tar type for " + type);
    }
  }

  private void writeHeader(
      String name,
      String prefix,
      int mode,
      long uid,
      long gid,
      long size,
      long mtime,
      char type,
      String link,
      int devMajor,
      int devMinor)
      throws IOException {
    Arrays.fill(header, (byte) 0);
    putString(name, 0, 100);
    putOctal(mode, 100, 8);
    putOctal(uid, 108, 8);
    putOctal(gid, 116, 8);
    putOctal(size, 124, 12);
    putOctal(mtime, 136, 12);
    header[156] = (byte) type;
    putString(link, 157, 100);
    putString("ustar", 257, 6); // "ustar\0"
    header[263] = '0';
    header[264] = '0';
    // uname (265) and gname (297) stay empty: ownership is numeric.
    putOctal(devMajor, 329, 8);
    putOctal(devMinor, 337, 8);
    putString(prefix, 345, 155);
    Arrays.fill(header, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    // Six octal digits, NUL, space: the layout GNU tar and Go both write.
    String digits = String.format("%06o", sum);
    putString(digits, 148, 6);
    header[154] = 0;
    header[155] = ' ';
    out.write(header);
  }

  private void putString(String value, int offset, int length) {
    byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length > length) {
      throw new IllegalStateException("tar field overflow: " + value);
    }
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  // Zero-padded octal filling all but the last byte, which stays NUL.
  private void putOctal(long value, int offset, int length) {
    String digits = Long.toOctalString(value);
    int width = length - 1;
    if (digits.length() > width) {
      throw new IllegalStateException("value " + value + " does not fit a tar field");
    }
    for (int i = 0; i < width - digits.length(); i++) {
      header[offset + i] = '0';
    }
    putString(digits, offset + width - digits.length(), digits.length());
  }

  /**
   * Splits an ASCII name over the USTAR prefix (155 bytes) and name (100 bytes) fields at a {@code
   * /}, choosing the shortest prefix that works; null when no split fits.
   */
  static String[] splitUstarName(String name) {
    if (!isAscii(name)) {
      return null;
    }
    if (name.length() <= 100) {
      return new String[] {"", name};
    }
    for (int i = name.indexOf('/'); i >= 0 && i <= 155; i = name.indexOf('/', i + 1)) {
      String rest = name.substring(i + 1);
      if (!rest.isEmpty() && rest.length() <= 100) {
        return new String[] {name.substring(0, i), rest};
      }
    }
    return null;
  }

  /** PAX records {@code "LEN KEY=VALUE\n"}, where LEN counts the whole record including itself. */
  static byte[] paxRecords(Map<String, byte[]> records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> r : records.entrySet()) {
      byte[] key = utf8(r.getKey());
      int rest = 1 + key.length + 1 + r.getValue().length + 1; // ' ' key '=' value '\n'
      int length = rest + Integer.toString(rest).length();
      if (Integer.toString(length).length() != Integer.toString(rest).length()) {
        length = rest + Integer.toString(length).length();
      }
      out.writeBytes(ascii(length + " "));
      out.writeBytes(key);
      out.write('=');
      out.writeBytes(r.getValue());
      out.write('\n');
    }
    return out.toByteArray();
  }

  private static String fallback(String name, int max) {
    StringBuilder s = new StringBuilder(Math.min(name.length(), max));
    for (int i = 0; i < name.length() && s.length() < max; i++) {
      char c = name.charAt(i);
      s.append(c >= 0x20 && c < 0x7f ? c : '_');
    }
    return s.toString();
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 0 || c >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(utf8(a), utf8(b));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
