package dev.kiln.dockerfile.shell;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The shell wildcard patterns of {@code ${V#p}}, {@code ${V%p}} and {@code ${V/p/r}}: {@code *} and
 * {@code ?} with backslash escapes, no bracket expressions. Patterns are compiled per use; they
 * only appear in these rare modifiers, never on the common path.
 *
 * <p>Go's regexp, which BuildKit uses, never backtracks; java.util.regex does, and recurses once
 * per pattern element. So every match here reads its value through {@link BoundedText} and a
 * pattern that would take too long, or too much stack, fails with an error instead of hanging or
 * crashing the build.
 */
final class ShellPattern {
  /** Characters a match may read per character of the value (plus a fixed allowance). */
  private static final long READS_PER_CHAR = 16;

  private static final long READS_ALLOWANCE = 1L << 20;

  private ShellPattern() {}

  static Pattern toRegex(String pattern, boolean greedy) {
    StringBuilder out = new StringBuilder(pattern.length() + 4);
    int[] cps = pattern.codePoints().toArray();
    for (int i = 0; i < cps.length; i++) {
      int tok = cps[i];
      switch (tok) {
        case '*':
          out.append(greedy ? ".*" : ".*?");
          continue;
        case '?':
          out.append('.');
          continue;
        case '\\':
          {
            int peek = i + 1 < cps.length ? cps[i + 1] : -1;
            if (peek == '}' || peek == '/') {
              continue;
            }
            out.append('\\');
            i++;
            tok = peek;
            if (tok != '*' && tok != '?' && tok != '\\') {
              throw new ShellExpansionException(
                  "invalid pattern ("
                      + ShellWordExpander.abbreviate(pattern)
                      + ") in substitution: invalid escape '\\"
                      + (tok < 0 ? "" : new String(Character.toChars(tok)))
                      + "'");
            }
            break;
          }
        case '[':
        case ']':
        case '{':
        case '}':
        case '.':
        case '+':
        case '(':
        case ')':
        case '|':
        case '^':
        case '$':
          out.append('\\');
          break;
        default:
          break;
      }
      out.appendCodePoint(tok);
    }
    try {
      return Pattern.compile(out.toString(), Pattern.UNIX_LINES);
    } catch (PatternSyntaxException e) {
      throw new ShellExpansionException(
          "invalid pattern ("
              + ShellWordExpander.abbreviate(pattern)
              + ") in substitution: "
              + e.getDescription());
    }
  }

  static String trimPrefix(String pattern, String value, boolean greedy) {
    Matcher m = toRegex(pattern, greedy).matcher(bounded(value));
    try {
      return m.lookingAt() ? value.substring(m.end()) : value;
    } catch (BoundedText.TooComplex | StackOverflowError e) {
      throw tooComplex(pattern);
    }
  }

  private static BoundedText bounded(String value) {
    return BoundedText.of(value, READS_ALLOWANCE + READS_PER_CHAR * value.length());
  }

  /**
   * Either the match backtracked past its budget, or the pattern has so many elements that the
   * engine's recursion ran out of stack; the engine holds no state after either.
   */
  private static ShellExpansionException tooComplex(String pattern) {
    return new ShellExpansionException(
        "pattern (" + ShellWordExpander.abbreviate(pattern) + ") in substitution is too complex",
        "use fewer * and ? in the pattern, or a shorter pattern");
  }

  static String trimSuffix(String pattern, String value, boolean greedy) {
    String reversed = trimPrefix(reversePattern(pattern), reverse(value), greedy);
    return reverse(reversed);
  }

  /** Reverses a pattern, keeping each escape before the character it escapes. */
  static String reversePattern(String pattern) {
    int[] in = pattern.codePoints().toArray();
    int[] out = new int[in.length];
    int last = in.length - 1;
    for (int i = 0; i <= last; ) {
      int tok = in[i];
      int outIdx = last - i;
      if (tok == '\\' && i != last) {
        out[outIdx - 1] = tok;
        out[outIdx] = in[i + 1];
        i += 2;
      } else {
        out[outIdx] = tok;
        i++;
      }
    }
    return new String(out, 0, out.length);
  }

  private static String reverse(String s) {
    int[] cps = s.codePoints().toArray();
    for (int i = 0, j = cps.length - 1; i < j; i++, j--) {
      int t = cps[i];
      cps[i] = cps[j];
      cps[j] = t;
    }
    return new String(cps, 0, cps.length);
  }

  /**
   * {@code ${V/p/r}} and {@code ${V//p/r}}, with Go's replacement-template rules.
   *
   * @param maxLength the longest result the caller accepts: replacing every match can multiply the
   *     value's length, so once the result is longer than this the rest is left out (the caller
   *     rejects a result that long)
   */
  static String replace(
      String pattern, String value, String replacement, boolean all, long maxLength) {
    Matcher m = toRegex(pattern, true).matcher(bounded(value));
    StringBuilder out = new StringBuilder();
    int copied = 0;
    int prevMatchEnd = -1;
    int searchFrom = 0;
    try {
      while (searchFrom <= value.length() && m.find(searchFrom)) {
        int start = m.start();
        int end = m.end();
        boolean skip = start == end && start == prevMatchEnd;
        if (!skip) {
          out.append(value, copied, start);
          if (all) {
            expandTemplate(out, replacement, value.substring(start, end));
          } else {
            out.append(replacement);
          }
          copied = end;
          if (out.length() > maxLength) {
            return out.toString();
          }
          prevMatchEnd = end;
        }
        if (!all) {
          break;
        }
        searchFrom = end > start ? end : end + 1;
      }
    } catch (BoundedText.TooComplex | StackOverflowError e) {
      throw tooComplex(pattern);
    }
    out.append(value, copied, value.length());
    return out.toString();
  }

  /** Go's {@code Regexp.Expand} for a pattern without groups: only {@code $0} has a value. */
  private static void expandTemplate(StringBuilder out, String template, String whole) {
    int i = 0;
    while (i < template.length()) {
      char c = template.charAt(i);
      if (c != '$') {
        out.append(c);
        i++;
        continue;
      }
      if (i + 1 < template.length() && template.charAt(i + 1) == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      int j = i + 1;
      boolean brace = j < template.length() && template.charAt(j) == '{';
      if (brace) {
        j++;
      }
      int nameStart = j;
      while (j < template.length()
          && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) {
        j++;
      }
      String name = template.substring(nameStart, j);
      if (name.isEmpty() || (brace && (j >= template.length() || template.charAt(j) != '}'))) {
        out.append('$');
        i++;
        continue;
      }
      if (brace) {
        j++;
      }
      if (name.equals("0")) {
        out.append(whole);
      }
      i = j;
    }
  }
}
