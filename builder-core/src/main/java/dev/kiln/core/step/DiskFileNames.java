package dev.kiln.core.step;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * File names read from a directory listing, as kiln holds them: Java strings, which must lead back
 * to the very same bytes on disk. Java decodes a name's bytes with the JVM's file-name charset
 * ({@code sun.jnu.encoding}, from the locale), and a name that is not valid in it (a byte 0xff
 * under UTF-8, any non-ASCII byte under the POSIX locale) decodes to a string that names another
 * file, or none. Such a name must be refused, never silently skipped or renamed.
 */
public final class DiskFileNames {
  private DiskFileNames() {}

  /**
   * Whether {@code entry}, listed in directory {@code dir}, is named exactly by its decoded name
   * (so that {@code dir.resolve(name)} is {@code entry} again).
   */
  public static boolean roundTrips(Path dir, Path entry) {
    String name = entry.getFileName().toString();
    if (isAscii(name)) {
      return true;
    }
    try {
      return dir.resolve(name).equals(entry);
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /**
   * The error for {@code entry}, whose name does not round-trip, shown as {@code shownParent/name}
   * in {@code tree}: the name is not UTF-8, or the JVM does not use UTF-8 for file names.
   */
  public static SourceFileException refusal(
      Path entry, String shownParent, String tree, boolean ignorable) {
    byte[] raw = rawName(entry);
    String shown = (shownParent.isEmpty() ? "" : shownParent + "/") + escaped(raw);
    String charset = System.getProperty("sun.jnu.encoding", "");
    if (isUtf8(raw) && !StandardCharsets.UTF_8.name().equalsIgnoreCase(charset)) {
      return SourceFileException.localeNotUtf8(shown, tree, charset);
    }
    return SourceFileException.nameNotUtf8(shown, tree, ignorable);
  }

  /**
   * The bytes of {@code entry}'s last name on disk. A path's URI is the public way to its bytes:
   * the JDK percent-encodes them one by one, whatever the charset.
   */
  static byte[] rawName(Path entry) {
    String uri = entry.toAbsolutePath().toUri().getRawPath();
    if (uri.endsWith("/")) {
      uri = uri.substring(0, uri.length() - 1); // a directory's URI ends with a slash
    }
    String last = uri.substring(uri.lastIndexOf('/') + 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < last.length(); i++) {
      char c = last.charAt(i);
      if (c == '%' && i + 2 < last.length()) {
        out.write(Integer.parseInt(last.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }

  /** {@code raw} as text: its valid UTF-8 as it is, every other byte as {@code \xNN}. */
  static String escaped(byte[] raw) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < raw.length) {
      int length = sequenceLength(raw, i);
      if (length > 0) {
        out.append(new String(raw, i, length, StandardCharsets.UTF_8));
        i += length;
      } else {
        out.append(String.format("\\x%02x", raw[i] & 0xff));
        i++;
      }
    }
    return out.toString();
  }

  /** The length of the valid UTF-8 sequence starting at {@code i}, or 0 if there is none. */
  private static int sequenceLength(byte[] raw, int i) {
    int b = raw[i] & 0xff;
    int length;
    if (b < 0x80) {
      return 1;
    } else if (b >= 0xc2 && b < 0xe0) {
      length = 2;
    } else if (b >= 0xe0 && b < 0xf0) {
      length = 3;
    } else if (b >= 0xf0 && b < 0xf5) {
      length = 4;
    } else {
      return 0;
    }
    return i + length <= raw.length && isUtf8(Arrays.copyOfRange(raw, i, i + length)) ? length : 0;
  }

  private static boolean isUtf8(byte[] raw) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean isAscii(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
