package dev.kiln.dockerfile.ignore;

import dev.kiln.dockerfile.shell.BoundedText;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One compiled {@code .dockerignore} pattern: {@code *} and {@code ?} stay within one path element,
 * {@code [...]} classes, {@code \} escapes, and {@code **} spanning directories (a leading {@code
 * **} matches by suffix, a trailing one everything below). Compiled once, when the matcher is
 * built; a pattern that cannot be compiled fails each time it is used, as BuildKit's does.
 *
 * <p>BuildKit matches with Go's regexp, which never backtracks; java.util.regex does, so a pattern
 * like {@code *a*a*a*a*a*b} could take exponential time on one file name, and one with thousands of
 * elements could overflow the stack. Each match reads the path through {@link BoundedText}, and
 * either case fails as a pattern too complex to use.
 */
public final class IgnorePattern {
  /** Characters one match may read: far beyond what a real pattern needs on any path. */
  private static final long MAX_READS = 1L << 20;

  private enum MatchType {
    EXACT,
    PREFIX,
    SUFFIX,
    REGEXP
  }

  private final String cleaned;
  private final boolean exclusion;
  private final List<String> dirs;
  private MatchType type;
  private Pattern regex;
  private String compileError;
  private List<Pattern> componentRegexes;

  IgnorePattern(String cleaned, boolean exclusion) {
    this.cleaned = cleaned;
    this.exclusion = exclusion;
    this.dirs = List.of(cleaned.split("/", -1));
    compile();
  }

  /** The pattern text without its {@code !}. */
  public String text() {
    return cleaned;
  }

  /** True for a {@code !pattern} that re-includes what earlier patterns excluded. */
  public boolean exclusion() {
    return exclusion;
  }

  int depth() {
    return dirs.size();
  }

  @Override
  public String toString() {
    return (exclusion ? "!" : "") + cleaned;
  }

  private void compile() {
    StringBuilder re = new StringBuilder("^");
    int[] cps = cleaned.codePoints().toArray();
    type = MatchType.EXACT;
    int i = 0;
    for (int pos = 0; pos < cps.length; i++) {
      int ch = cps[pos++];
      if (ch == '*') {
        if (pos < cps.length && cps[pos] == '*') {
          pos++;
          if (pos < cps.length && cps[pos] == '/') {
            pos++;
          }
          if (pos >= cps.length) {
            if (type == MatchType.EXACT) {
              type = MatchType.PREFIX;
            } else {
              re.append(".*");
              type = MatchType.REGEXP;
            }
          } else {
            re.append("(.*/)?");
            type = MatchType.REGEXP;
          }
          if (i == 0) {
            type = MatchType.SUFFIX;
          }
        } else {
          re.append("[^/]*");
          type = MatchType.REGEXP;
        }
      } else if (ch == '?') {
        re.append("[^/]");
        type = MatchType.REGEXP;
      } else if (ch == '.' || ch == '+' || ch == '(' || ch == ')' || ch == '|' || ch == '{'
          || ch == '}' || ch == '$') {
        re.append('\\').appendCodePoint(ch);
      } else if (ch == '\\') {
        if (pos < cps.length) {
          appendEscaped(re, cps[pos++]);
          type = MatchType.REGEXP;
        } else {
          re.append("\\\\");
        }
      } else if (ch == '[' || ch == ']') {
        re.appendCodePoint(ch);
        type = MatchType.REGEXP;
      } else {
        re.appendCodePoint(ch);
      }
    }
    if (type != MatchType.REGEXP) {
      return;
    }
    re.append('$');
    try {
      regex = Pattern.compile(re.toString(), Pattern.UNIX_LINES);
    } catch (PatternSyntaxException e) {
      compileError = "syntax error in pattern";
    }
  }

  private static void appendEscaped(StringBuilder re, int ch) {
    if (Character.isLetterOrDigit(ch)) {
      re.append('\\').appendCodePoint(ch);
    } else {
      re.append("\\x{").append(Integer.toHexString(ch)).append('}');
    }
  }

  /**
   * Whether the pattern matches {@code path} exactly (no parent rule).
   *
   * @throws IllegalArgumentException ("syntax error in pattern") for a pattern that cannot be used
   */
  public boolean matches(String path) {
    if (compileError != null) {
      throw new IllegalArgumentException(compileError);
    }
    switch (type) {
      case EXACT:
        return path.equals(cleaned);
      case PREFIX:
        return path.startsWith(cleaned.substring(0, cleaned.length() - 2));
      case SUFFIX:
        {
          String suffix = cleaned.substring(2);
          if (suffix.startsWith("/")) {
            suffix = suffix.substring(1);
          }
          return path.endsWith(suffix);
        }
      default:
        return fullMatch(regex, path);
    }
  }

  private boolean fullMatch(Pattern p, String text) {
    try {
      return p.matcher(BoundedText.of(text, MAX_READS + 64L * text.length())).matches();
    } catch (BoundedText.TooComplex | StackOverflowError e) {
      // The engine holds no state after either; the pattern is what the user must change.
      throw new IllegalArgumentException(
          "pattern " + abbreviated() + " is too complex to match: use fewer wildcards");
    }
  }

  private String abbreviated() {
    return cleaned.length() <= 120 ? cleaned : cleaned.substring(0, 100) + "...";
  }

  /**
   * Whether this pattern could match {@code dir} or something below it. Conservative: true whenever
   * it cannot rule that out, so a walker never skips a directory it should enter.
   */
  boolean couldMatchInside(String dir) {
    if (compileError != null) {
      return true;
    }
    List<Pattern> comps = components();
    String[] parts = dir.split("/", -1);
    int n = Math.min(comps.size(), parts.length);
    for (int k = 0; k < n; k++) {
      Pattern p = comps.get(k);
      if (p == null) {
        return true;
      }
      if (!fullMatch(p, parts[k])) {
        return false;
      }
    }
    return true;
  }

  private List<Pattern> components() {
    if (componentRegexes == null) {
      List<Pattern> out = new ArrayList<>(dirs.size());
      for (String d : dirs) {
        if (d.contains("**")) {
          out.add(null);
          break;
        }
        out.add(componentRegex(d));
      }
      componentRegexes = out;
    }
    return componentRegexes;
  }

  private static Pattern componentRegex(String glob) {
    StringBuilder re = new StringBuilder();
    int[] cps = glob.codePoints().toArray();
    for (int pos = 0; pos < cps.length; ) {
      int ch = cps[pos++];
      if (ch == '*') {
        re.append("[^/]*");
      } else if (ch == '?') {
        re.append("[^/]");
      } else if (ch == '\\' && pos < cps.length) {
        appendEscaped(re, cps[pos++]);
      } else if (ch == '[' || ch == ']' || ch == '^' || ch == '-') {
        re.appendCodePoint(ch);
      } else {
        re.append("\\x{").append(Integer.toHexString(ch)).append('}');
      }
    }
    try {
      return Pattern.compile(re.toString(), Pattern.UNIX_LINES);
    } catch (PatternSyntaxException e) {
      return null;
    }
  }
}
