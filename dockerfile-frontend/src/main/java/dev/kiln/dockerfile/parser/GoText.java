package dev.kiln.dockerfile.parser;

import java.nio.charset.StandardCharsets;

/**
 * Text rules the Dockerfile format inherited from Go: what counts as white space, how strings are
 * quoted in the AST dump, and how bytes that are not valid UTF-8 survive a round trip.
 *
 * <p>Bytes that are not valid UTF-8 are decoded to the lone surrogates U+DC80..U+DCFF (one per
 * byte, the "surrogateescape" convention), so that the exact bytes can be written back out and the
 * dump can print them as {@code \xHH} like Go does. Written by hand because the JDK decoders can
 * only replace or reject malformed input.
 */
public final class GoText {
  private GoText() {}

  /** Go's {@code unicode.IsSpace}. */
  public static boolean isSpace(int c) {
    if (c < 0x100) {
      return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0;
    }
    int type = Character.getType(c);
    return type == Character.SPACE_SEPARATOR
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }

  /** The ASCII white space of BuildKit's {@code [\t\v\f\r ]} character class. */
  public static boolean isBlank(char c) {
    return c == ' ' || c == '\t' || c == 0x0B || c == '\f' || c == '\r';
  }

  /** Go's {@code strings.TrimSpace}. */
  public static String trimSpace(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  /** Go's {@code strings.TrimLeftFunc(s, unicode.IsSpace)}. */
  public static String trimLeftSpace(String s) {
    int start = 0;
    while (start < s.length() && isSpace(s.charAt(start))) {
      start++;
    }
    return s.substring(start);
  }

  /** Decodes UTF-8, mapping each byte of a malformed sequence to U+DC80+(byte-0x80). */
  public static String decode(byte[] bytes, int offset, int length) {
    StringBuilder out = new StringBuilder(length);
    int i = offset;
    int end = offset + length;
    while (i < end) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        out.append((char) b);
        i++;
        continue;
      }
      int need;
      int cp;
      int min;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        cp = b & 0x1F;
        min = 0x80;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        cp = b & 0x0F;
        min = 0x800;
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        cp = b & 0x07;
        min = 0x10000;
      } else {
        out.append((char) (0xDC00 + b));
        i++;
        continue;
      }
      boolean ok = i + need < end;
      if (ok) {
        for (int k = 1; k <= need; k++) {
          int c = bytes[i + k] & 0xFF;
          if ((c & 0xC0) != 0x80) {
            ok = false;
            break;
          }
          cp = (cp << 6) | (c & 0x3F);
        }
      }
      if (ok && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) {
        ok = false;
      }
      if (!ok) {
        out.append((char) (0xDC00 + b));
        i++;
        continue;
      }
      out.appendCodePoint(cp);
      i += need + 1;
    }
    return out.toString();
  }

  public static String decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  /** The exact bytes {@link #decode} was given: escaped bytes come back as themselves. */
  public static byte[] encode(String s) {
    boolean escaped = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0xDC80 && c <= 0xDCFF && !isPairedLow(s, i)) {
        escaped = true;
        break;
      }
    }
    if (!escaped) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length() + 16);
    int start = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0xDC80 && c <= 0xDCFF && !isPairedLow(s, i)) {
        out.writeBytes(s.substring(start, i).getBytes(StandardCharsets.UTF_8));
        out.write(c - 0xDC00);
        start = i + 1;
      }
    }
    out.writeBytes(s.substring(start).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static boolean isPairedLow(String s, int i) {
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  /** Go's {@code strconv.Quote}, applied to text produced by {@link #decode}. */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2);
    out.append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int width = Character.charCount(cp);
      if (cp >= 0xDC80 && cp <= 0xDCFF) {
        appendHex(out, "\\x", cp - 0xDC00, 2);
        i += width;
        continue;
      }
      switch (cp) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case 0x07:
          out.append("\\a");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case 0x0B:
          out.append("\\v");
          break;
        default:
          if (isPrint(cp)) {
            out.appendCodePoint(cp);
          } else if (cp < 0x80) {
            appendHex(out, "\\x", cp, 2);
          } else if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
            out.append("\\ufffd");
          } else if (cp < 0x10000) {
            appendHex(out, "\\u", cp, 4);
          } else {
            appendHex(out, "\\U", cp, 8);
          }
      }
      i += width;
    }
    return out.append('"').toString();
  }

  /** Go's {@code strconv.IsPrint}: letters, marks, numbers, punctuation, symbols and U+0020. */
  static boolean isPrint(int cp) {
    if (cp < 0x80) {
      return cp >= 0x20 && cp < 0x7F;
    }
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER:
      case Character.LOWERCASE_LETTER:
      case Character.TITLECASE_LETTER:
      case Character.MODIFIER_LETTER:
      case Character.OTHER_LETTER:
      case Character.NON_SPACING_MARK:
      case Character.ENCLOSING_MARK:
      case Character.COMBINING_SPACING_MARK:
      case Character.DECIMAL_DIGIT_NUMBER:
      case Character.LETTER_NUMBER:
      case Character.OTHER_NUMBER:
      case Character.CONNECTOR_PUNCTUATION:
      case Character.DASH_PUNCTUATION:
      case Character.START_PUNCTUATION:
      case Character.END_PUNCTUATION:
      case Character.INITIAL_QUOTE_PUNCTUATION:
      case Character.FINAL_QUOTE_PUNCTUATION:
      case Character.OTHER_PUNCTUATION:
      case Character.MATH_SYMBOL:
      case Character.CURRENCY_SYMBOL:
      case Character.MODIFIER_SYMBOL:
      case Character.OTHER_SYMBOL:
        return true;
      default:
        return false;
    }
  }

  private static void appendHex(StringBuilder out, String prefix, int value, int digits) {
    out.append(prefix);
    String hex = Integer.toHexString(value);
    for (int k = hex.length(); k < digits; k++) {
      out.append('0');
    }
    out.append(hex);
  }
}
