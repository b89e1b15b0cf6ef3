package dev.kiln.core.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads tar headers and content from an uncompressed tar stream, as written by kiln, GNU tar, Go's
 * archive/tar (Docker, BuildKit, containerd) and most other tools.
 *
 * <p>Why not commons-compress's {@code TarArchiveInputStream}: it decodes every PAX value as UTF-8
 * text, so a binary xattr value such as {@code security.capability} comes back with each invalid
 * byte replaced by U+FFFD, and the original bytes are lost before kiln sees them. This reader keeps
 * PAX values as bytes. It understands USTAR, POSIX PAX ({@code x} and global {@code g} headers),
 * GNU long names ({@code L}/{@code K}), base-256 numbers and the pre-POSIX format. GNU sparse
 * files, multi-volume archives and unknown entry types are refused with a message naming the entry,
 * rather than extracted wrongly.
 */
final class TarReader {
  private static final int BLOCK = 512;

  /**
   * Most bytes of extended headers (PAX records, GNU long names) before one entry, and of global
   * PAX headers in the whole archive. Each is held in memory, and a gzip stream compresses a chain
   * of them a thousandfold, so they are bounded together, not only one by one.
   */
  static final int MAX_META_SIZE = 8 * 1024 * 1024;

  /**
   * Longest name (path, link target, attribute name) in UTF-8 bytes: eight times Linux's PATH_MAX,
   * so longer than any file system can use, and short enough for the layer index, which stores
   * names of up to 64 KiB.
   */
  static final int MAX_NAME_BYTES = 32 * 1024;

  /** One entry's header, after applying PAX and GNU extension headers. Names are raw text. */
  record Header(
      String name,
      char type,
      int mode,
      long uid,
      long gid,
      long size,
      long mtime,
      String linkName,
      int devMajor,
      int devMinor,
      Map<String, byte[]> xattrs) {}

  private final InputStream in;
  private final byte[] block = new byte[BLOCK];
  private final Map<String, byte[]> globalPax = new HashMap<>();
  private long remaining;
  private long padding;

  /** Bytes of the tar stream consumed so far. */
  private long consumed;

  private long dataOffset;
  private boolean ended;

  /** What the extended headers of the entry being read may still take. */
  private long localMetaLeft;

  /** What global PAX headers may still take. */
  private long globalMetaLeft = MAX_META_SIZE;

  private String lastName = "(start of archive)";

  TarReader(InputStream in) {
    this.in = in;
  }

  /** The next entry's header, or null at the end of the archive. Skips unread content first. */
  Header next() throws IOException {
    if (ended) {
      return null;
    }
    skipRest();
    localMetaLeft = MAX_META_SIZE;
    Map<String, byte[]> pax = new HashMap<>();
    String gnuLongName = null;
    String gnuLongLink = null;
    while (true) {
      if (!readBlock()) {
        ended = true;
        return null;
      }
      if (isZero(block)) {
        // End of archive: two zero blocks, though some writers stop after one.
        ended = true;
        return null;
      }
      verifyChecksum();
      char type = (char) (block[156] & 0xff);
      long size = number(124, 12, "size");
      if (size < 0) {
        throw format("negative size in the header after '" + lastName + "'");
      }
      switch (type) {
        case 'x':
          pax.putAll(parsePax(readMeta(size, "PAX header", false)));
          continue;
        case 'g':
          globalPax.putAll(parsePax(readMeta(size, "PAX global header", true)));
          continue;
        case 'L':
          gnuLongName = cString(readMeta(size, "GNU long name", false));
          continue;
        case 'K':
          gnuLongLink = cString(readMeta(size, "GNU long link name", false));
          continue;
        case 'V':
          skipData(size);
          continue;
        default:
          break;
      }
      Header header = header(type, size, pax, gnuLongName, gnuLongLink);
      lastName = LayerFormatException.excerpt(header.name());
      dataOffset = consumed;
      boolean headerOnly = "123456".indexOf(header.type()) >= 0;
      remaining = headerOnly ? 0 : header.size();
      padding = headerOnly ? 0 : (BLOCK - header.size() % BLOCK) % BLOCK;
      if (headerOnly) {
        // Some writers put a size on link or directory headers; like Go and GNU tar, treat those
        // types as having no data, but do not mistake a non-zero size field for data blocks.
        header =
            new Header(
                header.name(),
                header.type(),
                header.mode(),
                header.uid(),
                header.gid(),
                0,
                header.mtime(),
                header.linkName(),
                header.devMajor(),
                header.devMinor(),
                header.xattrs());
      }
      return header;
    }
  }

  /**
   * Where the current entry's content starts in the uncompressed tar stream, so that an index can
   * find a file's bytes again without reading the entries before it.
   */
  long dataOffset() {
    return dataOffset;
  }

  /** The current entry's content; reading it past the entry's size returns end-of-stream. */
  InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw format("archive is truncated inside '" + lastName + "'");
        }
        remaining -= n;
        consumed += n;
        return n;
      }
    };
  }

  private Header header(
      char type, long size, Map<String, byte[]> localPax, String gnuLongName, String gnuLongLink)
      throws IOException {
    Map<String, byte[]> pax = new HashMap<>(globalPax);
    pax.putAll(localPax);
    for (String key : pax.keySet()) {
      if (key.startsWith("GNU.sparse.")) {
        throw format(
            "entry after '" + lastName + "' is a GNU sparse file, which kiln does not read");
      }
    }
    boolean posix = matches(257, "ustar\0") && block[263] == '0' && block[264] == '0';
    String name = text(0, 100);
    if (posix) {
      String prefix = text(345, 155);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    if (gnuLongName != null) {
      name = gnuLongName;
    }
    String link = gnuLongLink != null ? gnuLongLink : text(157, 100);
    int mode = (int) (number(100, 8, "mode") & 07777);
    long uid = number(108, 8, "uid");
    long gid = number(116, 8, "gid");
    long mtime = number(136, 12, "mtime");
    long devMajor = number(329, 8, "devmajor");
    long devMinor = number(337, 8, "devminor");
    Map<String, byte[]> xattrs = new TreeMap<>();
    for (Map.Entry<String, byte[]> p : pax.entrySet()) {
      String key = p.getKey();
      byte[] value = p.getValue();
      switch (key) {
        case "path" -> name = decode(value, "PAX path");
        case "linkpath" -> link = decode(value, "PAX linkpath");
        case "size" -> size = paxNumber(key, value);
        case "uid" -> uid = paxNumber(key, value);
        case "gid" -> gid = paxNumber(key, value);
        case "mtime" -> mtime = paxTime(value);
        case "SCHILY.devmajor" -> devMajor = paxNumber(key, value);
        case "SCHILY.devminor" -> devMinor = paxNumber(key, value);
        default -> {
          if (key.startsWith("SCHILY.xattr.")) {
            xattrs.put(key.substring("SCHILY.xattr.".length()), value);
          }
        }
      }
    }
    switch (type) {
      case '\0':
      case '7':
        type = name.endsWith("/") ? '5' : '0';
        break;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
        break;
      case 'S':
        throw format(
            "'"
                + LayerFormatException.excerpt(name)
                + "' is a GNU sparse file, which kiln does not read");
      case 'M':
        throw format(
            "'"
                + LayerFormatException.excerpt(name)
                + "' continues a multi-volume archive, which kiln does not read");
      default:
        throw format(
            "'"
                + LayerFormatException.excerpt(name)
                + "' has unsupported tar entry type '"
                + type
                + "'");
    }
    // The header's own size field cannot be negative (next() checks it), but a PAX size can; the
    // content stream would take it as a length.
    if (size < 0) {
      throw format(
          "'" + LayerFormatException.excerpt(name) + "' has a negative size (" + size + ")");
    }
    checkLength(name, "name");
    checkLength(link, "link target");
    for (String attribute : xattrs.keySet()) {
      checkLength(attribute, "attribute name");
    }
    boolean device = type == '3' || type == '4';
    return new Header(
        name,
        type,
        mode,
        uid,
        gid,
        size,
        mtime,
        link,
        device ? deviceNumber(devMajor, name) : 0,
        device ? deviceNumber(devMinor, name) : 0,
        xattrs);
  }

  // Only a device's numbers mean anything; cut to an int, a number out of range would silently
  // name another device, so it is refused instead.
  private static int deviceNumber(long value, String name) throws IOException {
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw format(
          "device '"
              + LayerFormatException.excerpt(name)
              + "' has a device number out of range ("
              + value
              + ")");
    }
    return (int) value;
  }

  private void checkLength(String text, String what) throws IOException {
    // A char is at most 3 UTF-8 bytes; count exactly only when that could be too many.
    if (text.length() * 3L > MAX_NAME_BYTES
        && text.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
      throw format(
          "a "
              + what
              + " of "
              + text.getBytes(StandardCharsets.UTF_8).length
              + " bytes after '"
              + lastName
              + "' is longer than any file system allows ("
              + MAX_NAME_BYTES
              + " bytes at most): '"
              + LayerFormatException.excerpt(text)
              + "'");
    }
  }

  private void verifyChecksum() throws IOException {
    long stored = number(148, 8, "checksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : block[i];
      unsigned += b & 0xff;
      signed += (byte) b;
    }
    if (stored != unsigned && stored != signed) {
      throw format(
          "bad tar header checksum after '"
              + lastName
              + "': the layer is corrupt or not a tar archive");
    }
  }

  private long number(int offset, int length, String field) throws IOException {
    int first = block[offset] & 0xff;
    if ((first & 0x80) != 0) {
      // Base-256 (GNU and star): big-endian two's complement after the marker bit.
      byte[] bytes = Arrays.copyOfRange(block, offset, offset + length);
      if ((first & 0x40) == 0) {
        bytes[0] = (byte) (first & 0x7f);
      }
      java.math.BigInteger value = new java.math.BigInteger(bytes);
      if (value.bitLength() > 63) {
        throw format("tar " + field + " field after '" + lastName + "' is out of range");
      }
      return value.longValue();
    }
    int i = offset;
    int end = offset + length;
    while (i < end && (block[i] == ' ' || block[i] == 0)) {
      i++;
    }
    long value = 0;
    while (i < end && block[i] >= '0' && block[i] <= '7') {
      value = (value << 3) | (block[i] - '0');
      i++;
    }
    while (i < end) {
      if (block[i] != ' ' && block[i] != 0) {
        throw format("tar " + field + " field after '" + lastName + "' is not an octal number");
      }
      i++;
    }
    return value;
  }

  private long paxNumber(String key, byte[] value) throws IOException {
    try {
      return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
    } catch (NumberFormatException e) {
      throw format("PAX " + key + " after '" + lastName + "' is not a number");
    }
  }

  // PAX times are decimal seconds with an optional fraction ("1700000000.123456789", "-1.5"), as
  // Go's archive/tar reads them; kiln keeps whole seconds, rounding toward negative infinity as GNU
  // tar does. Not BigDecimal: it also accepts an exponent, and "1e99999999" takes minutes and
  // gigabytes to round.
  private long paxTime(byte[] value) throws IOException {
    String s = new String(value, StandardCharsets.US_ASCII);
    int dot = s.indexOf('.');
    String whole = dot < 0 ? s : s.substring(0, dot);
    String fraction = dot < 0 ? "" : s.substring(dot + 1);
    boolean negative = whole.startsWith("-");
    String digits = negative || whole.startsWith("+") ? whole.substring(1) : whole;
    if (digits.isEmpty() || !allDigits(digits) || !allDigits(fraction)) {
      throw format(
          "PAX mtime '"
              + LayerFormatException.excerpt(s)
              + "' after '"
              + lastName
              + "' is not a time");
    }
    try {
      long seconds = Long.parseLong(whole);
      boolean belowWhole = negative && fraction.chars().anyMatch(c -> c != '0');
      return belowWhole ? Math.subtractExact(seconds, 1) : seconds;
    } catch (NumberFormatException | ArithmeticException e) {
      throw format(
          "PAX mtime '"
              + LayerFormatException.excerpt(s)
              + "' after '"
              + lastName
              + "' is out of range");
    }
  }

  private static boolean allDigits(String s) {
    return s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private Map<String, byte[]> parsePax(byte[] data) throws IOException {
    Map<String, byte[]> records = new HashMap<>();
    int pos = 0;
    while (pos < data.length) {
      if (data[pos] == 0) {
        break; // some writers pad the record block with NULs
      }
      int space = pos;
      long length = 0;
      while (space < data.length && data[space] >= '0' && data[space] <= '9') {
        length = length * 10 + (data[space] - '0');
        if (length > data.length) {
          break;
        }
        space++;
      }
      int end = (int) (pos + length);
      // The length counts the whole record, its own digits included: one that does not reach
      // past them (such as "0") is malformed, not a record ending before it starts.
      if (space == pos
          || space >= data.length
          || data[space] != ' '
          || length > data.length - pos
          || end <= space
          || data[end - 1] != '\n') {
        throw format("malformed PAX record in the header after '" + lastName + "'");
      }
      int equals = space + 1;
      while (equals < end && data[equals] != '=') {
        equals++;
      }
      if (equals >= end) {
        throw format("malformed PAX record in the header after '" + lastName + "'");
      }
      String key = decode(Arrays.copyOfRange(data, space + 1, equals), "PAX keyword");
      byte[] value = Arrays.copyOfRange(data, equals + 1, end - 1);
      records.put(key, value);
      pos = end;
    }
    return records;
  }

  private byte[] readMeta(long size, String what, boolean global) throws IOException {
    if (size > MAX_META_SIZE) {
      throw format(what + " after '" + lastName + "' is " + size + " bytes, too large to be real");
    }
    if (size > (global ? globalMetaLeft : localMetaLeft)) {
      throw format(
          (global
                  ? "the archive's global PAX headers add up to"
                  : "the extended headers of the entry after '" + lastName + "' add up to")
              + " more than "
              + MAX_META_SIZE
              + " bytes, too large to be real");
    }
    if (global) {
      globalMetaLeft -= size;
    } else {
      localMetaLeft -= size;
    }
    byte[] data = in.readNBytes((int) size);
    consumed += data.length;
    if (data.length != size) {
      throw format("archive is truncated in a " + what + " after '" + lastName + "'");
    }
    long pad = (BLOCK - size % BLOCK) % BLOCK;
    skipExactly(pad);
    return data;
  }

  private void skipData(long size) throws IOException {
    skipExactly(size + (BLOCK - size % BLOCK) % BLOCK);
  }

  private void skipRest() throws IOException {
    skipExactly(remaining + padding);
    remaining = 0;
    padding = 0;
  }

  private void skipExactly(long n) throws IOException {
    while (n > 0) {
      long skipped = in.skip(n);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw format("archive is truncated inside '" + lastName + "'");
        }
        skipped = 1;
      }
      consumed += skipped;
      n -= skipped;
    }
  }

  private boolean readBlock() throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    consumed += n;
    if (n == 0) {
      return false;
    }
    if (n != BLOCK) {
      throw format("archive is truncated after '" + lastName + "'");
    }
    return true;
  }

  private static boolean isZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private boolean matches(int offset, String ascii) {
    for (int i = 0; i < ascii.length(); i++) {
      if (block[offset + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private String text(int offset, int length) throws IOException {
    int end = offset;
    while (end < offset + length && block[end] != 0) {
      end++;
    }
    return decode(Arrays.copyOfRange(block, offset, end), "name");
  }

  private String cString(byte[] data) throws IOException {
    int end = 0;
    while (end < data.length && data[end] != 0) {
      end++;
    }
    return decode(Arrays.copyOf(data, end), "GNU long name");
  }

  // Names must be UTF-8: Java's file APIs cannot create other byte sequences, and silently
  // substituting characters would extract a different file than the layer names.
  private String decode(byte[] bytes, String what) throws IOException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw format(
          "a "
              + what
              + " after '"
              + lastName
              + "' is not valid UTF-8 ("
              + LayerFormatException.excerpt(new String(bytes, StandardCharsets.ISO_8859_1))
              + "); kiln only handles UTF-8 file names");
    }
  }

  private static LayerFormatException format(String message) {
    return new LayerFormatException(message);
  }
}
