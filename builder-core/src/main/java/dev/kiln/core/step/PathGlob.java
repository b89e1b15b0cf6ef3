package dev.kiln.core.step;

/**
 * Go's {@code path.Match} for one path segment, which is what COPY and ADD source patterns use:
 * {@code *} (any run of non-{@code /} characters), {@code ?}, {@code [a-z]} / {@code [^a-z]}
 * classes, and {@code \} escapes. Written here because the frontend's .dockerignore matcher has
 * different rules ({@code **}, parent matching). Content checksums of COPY sources use it too, so
 * the cache key and the copy always select the same files.
 */
public final class PathGlob {
  private PathGlob() {}

  /** Whether {@code text} has a wildcard character (an escaped one does not count). */
  public static boolean hasWildcard(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '*' || c == '?' || c == '[') {
        return true;
      }
    }
    return false;
  }

  /** Removes escapes from a pattern without wildcards, giving the literal name. */
  public static String unescape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        c = text.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * Checks the pattern's syntax up front (Go reports a bad pattern whatever the name).
   *
   * @throws IllegalArgumentException for an unclosed class or a trailing backslash
   */
  public static void validate(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        if (++i >= pattern.length()) {
          throw new IllegalArgumentException(
              "syntax error in pattern (ends with a backslash): " + pattern);
        }
      } else if (c == '[') {
        i = classEnd(pattern, i);
      }
    }
  }

  /**
   * Whether the segment {@code name} matches {@code pattern}.
   *
   * @throws IllegalArgumentException for a malformed pattern (an unclosed class)
   */
  public static boolean matches(String pattern, String name) {
    return match(pattern, 0, name, 0);
  }

  private static boolean match(String p, int pi, String s, int si) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      switch (c) {
        case '*' -> {
          while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
          }
          if (pi == p.length()) {
            return s.indexOf('/', si) < 0;
          }
          for (int k = si; k <= s.length(); k++) {
            if (match(p, pi, s, k)) {
              return true;
            }
            if (k < s.length() && s.charAt(k) == '/') {
              return false;
            }
          }
          return false;
        }
        case '?' -> {
          if (si >= s.length() || s.charAt(si) == '/') {
            return false;
          }
          pi++;
          si++;
        }
        case '[' -> {
          if (si >= s.length()) {
            return false;
          }
          int end = classEnd(p, pi);
          if (!classMatches(p, pi + 1, end, s.charAt(si))) {
            return false;
          }
          pi = end + 1;
          si++;
        }
        case '\\' -> {
          pi++;
          if (pi >= p.length()) {
            throw new IllegalArgumentException("pattern ends with a backslash: " + p);
          }
          if (si >= s.length() || s.charAt(si) != p.charAt(pi)) {
            return false;
          }
          pi++;
          si++;
        }
        default -> {
          if (si >= s.length() || s.charAt(si) != c) {
            return false;
          }
          pi++;
          si++;
        }
      }
    }
    return si == s.length();
  }

  private static int classEnd(String p, int open) {
    int i = open + 1;
    if (i < p.length() && p.charAt(i) == '^') {
      i++;
    }
    boolean first = true;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == ']' && !first) {
        return i;
      }
      if (c == '\\') {
        i++;
      }
      first = false;
      i++;
    }
    throw new IllegalArgumentException("syntax error in pattern (unclosed [): " + p);
  }

  private static boolean classMatches(String p, int from, int to, char ch) {
    boolean negate = from < to && p.charAt(from) == '^';
    int i = negate ? from + 1 : from;
    boolean matched = false;
    while (i < to) {
      char lo = p.charAt(i);
      if (lo == '\\') {
        lo = p.charAt(++i);
      }
      char hi = lo;
      if (i + 2 < to && p.charAt(i + 1) == '-') {
        hi = p.charAt(i + 2);
        if (hi == '\\') {
          hi = p.charAt(i + 3);
          i++;
        }
        i += 2;
      }
      if (lo <= ch && ch <= hi) {
        matched = true;
      }
      i++;
    }
    return matched != negate;
  }
}
