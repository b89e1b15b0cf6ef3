package dev.kiln.dockerfile.ignore;

/**
 * The syntax check of Go's {@code filepath.Match}, which BuildKit runs on every pattern when the
 * matcher is built: classes must be closed and non-empty, ranges need both ends, and an escape
 * needs a character after it.
 */
final class GlobSyntax {
  private GlobSyntax() {}

  static void check(String pattern) {
    int i = 0;
    int n = pattern.length();
    while (i < n) {
      char c = pattern.charAt(i);
      if (c == '\\') {
        if (i + 1 >= n) {
          throw bad();
        }
        i += 2;
      } else if (c == '[') {
        i = checkClass(pattern, i + 1);
      } else {
        i++;
      }
    }
  }

  private static int checkClass(String p, int i) {
    int n = p.length();
    if (i < n && p.charAt(i) == '^') {
      i++;
    }
    int ranges = 0;
    while (true) {
      if (i < n && p.charAt(i) == ']' && ranges > 0) {
        return i + 1;
      }
      i = escapedChar(p, i);
      if (i < n && p.charAt(i) == '-') {
        i = escapedChar(p, i + 1);
      }
      ranges++;
    }
  }

  private static int escapedChar(String p, int i) {
    int n = p.length();
    if (i >= n || p.charAt(i) == '-' || p.charAt(i) == ']') {
      throw bad();
    }
    if (p.charAt(i) == '\\') {
      i++;
      if (i >= n) {
        throw bad();
      }
    }
    return i + Character.charCount(p.codePointAt(i));
  }

  private static IllegalArgumentException bad() {
    return new IllegalArgumentException("syntax error in pattern");
  }
}
