package dev.kiln.dockerfile.parser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader with Go's {@code encoding/json} rules, for exec-form arguments and JSON
 * syntax directives. Hand-written rather than Jackson: it runs before every build, where Jackson's
 * start-up cost would be most of the time budget, and the exec form needs Go's exact acceptance
 * rules (strings only, invalid escapes rejected, invalid UTF-8 replaced).
 */
final class GoJson {
  /** The JSON null value (Java null means "not parsed"). */
  static final Object NULL = new Object();

  /** Go's encoding/json nesting limit. */
  private static final int MAX_DEPTH = 10000;

  private final String s;
  private int pos;

  private GoJson(String s) {
    this.s = s;
  }

  /** The value of {@code text}, or null when it is not exactly one JSON value. */
  static Object parse(String text) {
    GoJson p = new GoJson(text);
    try {
      p.skipWs();
      Object v = p.value();
      p.skipWs();
      return p.pos == text.length() ? v : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private void skipWs() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else {
        break;
      }
    }
  }

  private IllegalArgumentException bad() {
    return new IllegalArgumentException("invalid JSON at " + pos);
  }

  /**
   * One value, arrays and objects nested up to Go's depth limit. Nesting is kept on an explicit
   * stack rather than by recursion: an exec-form line of 30,000 {@code [} would otherwise overflow
   * the thread's stack before the depth limit is reached.
   */
  private Object value() {
    List<Open> open = new ArrayList<>();
    while (true) {
      if (open.size() > MAX_DEPTH || pos >= s.length()) {
        throw bad();
      }
      Object v;
      char c = s.charAt(pos);
      if (c == '[' || c == '{') {
        pos++;
        Open o = new Open(c == '[' ? ']' : '}');
        skipWs();
        if (pos < s.length() && s.charAt(pos) == o.close) {
          pos++;
          v = o.value();
        } else {
          o.key = c == '{' ? key() : null;
          open.add(o);
          skipWs();
          continue;
        }
      } else {
        v = scalar(c);
      }
      // A complete value: add it to the containers it completes, closing each that ends here.
      while (true) {
        if (open.isEmpty()) {
          return v;
        }
        Open top = open.get(open.size() - 1);
        top.add(v);
        skipWs();
        if (pos >= s.length()) {
          throw bad();
        }
        char d = s.charAt(pos++);
        if (d == top.close) {
          open.remove(open.size() - 1);
          v = top.value();
        } else if (d == ',') {
          skipWs();
          if (top.close == '}') {
            top.key = key();
          }
          skipWs();
          break;
        } else {
          throw bad();
        }
      }
    }
  }

  /** An object member's {@code "key" :}, leaving the position at its value. */
  private String key() {
    skipWs();
    if (pos >= s.length() || s.charAt(pos) != '"') {
      throw bad();
    }
    String key = string();
    skipWs();
    if (pos >= s.length() || s.charAt(pos++) != ':') {
      throw bad();
    }
    skipWs();
    return key;
  }

  private Object scalar(char c) {
    switch (c) {
      case '"':
        return string();
      case 't':
        return literal("true", Boolean.TRUE);
      case 'f':
        return literal("false", Boolean.FALSE);
      case 'n':
        return literal("null", NULL);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw bad();
    }
  }

  /** An array or object being read. */
  private static final class Open {
    final char close;
    final List<Object> list;
    final Map<String, Object> map;
    String key;

    Open(char close) {
      this.close = close;
      this.list = close == ']' ? new ArrayList<>() : null;
      this.map = close == '}' ? new LinkedHashMap<>() : null;
    }

    void add(Object v) {
      if (list != null) {
        list.add(v);
      } else {
        map.put(key, v);
      }
    }

    Object value() {
      return list != null ? list : map;
    }
  }

  private Object literal(String word, Object v) {
    if (!s.startsWith(word, pos)) {
      throw bad();
    }
    pos += word.length();
    return v;
  }

  private Object number() {
    int start = pos;
    if (s.charAt(pos) == '-') {
      pos++;
    }
    if (pos >= s.length()) {
      throw bad();
    }
    if (s.charAt(pos) == '0') {
      pos++;
    } else if (s.charAt(pos) >= '1' && s.charAt(pos) <= '9') {
      while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
        pos++;
      }
    } else {
      throw bad();
    }
    if (pos < s.length() && s.charAt(pos) == '.') {
      pos++;
      int digits = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == digits) {
        throw bad();
      }
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      pos++;
      if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        pos++;
      }
      int digits = pos;
      while (pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      if (pos == digits) {
        throw bad();
      }
    }
    return Double.valueOf(s.substring(start, pos));
  }

  private String string() {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw bad();
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw bad();
      }
      if (c >= 0xDC80
          && c <= 0xDCFF
          && !(pos >= 2 && Character.isHighSurrogate(s.charAt(pos - 2)))) {
        out.append('\uFFFD');
        continue;
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= s.length()) {
        throw bad();
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out.append(e);
          break;
        case 'b':
          out.append('\b');
          break;
        case 'f':
          out.append('\f');
          break;
        case 'n':
          out.append('\n');
          break;
        case 'r':
          out.append('\r');
          break;
        case 't':
          out.append('\t');
          break;
        case 'u':
          {
            int cp = hex4();
            if (Character.isHighSurrogate((char) cp)) {
              int save = pos;
              if (pos + 1 < s.length() && s.charAt(pos) == '\\' && s.charAt(pos + 1) == 'u') {
                pos += 2;
                int low = hex4();
                if (Character.isLowSurrogate((char) low)) {
                  out.appendCodePoint(Character.toCodePoint((char) cp, (char) low));
                  break;
                }
              }
              pos = save;
              out.append('\uFFFD');
            } else if (Character.isLowSurrogate((char) cp)) {
              out.append('\uFFFD');
            } else {
              out.append((char) cp);
            }
            break;
          }
        default:
          throw bad();
      }
    }
  }

  private int hex4() {
    if (pos + 4 > s.length()) {
      throw bad();
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(s.charAt(pos + i), 16);
      if (d < 0 || s.charAt(pos + i) > 'f') {
        throw bad();
      }
      v = v * 16 + d;
    }
    pos += 4;
    return v;
  }
}
