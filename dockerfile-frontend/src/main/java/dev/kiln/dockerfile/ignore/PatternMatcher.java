package dev.kiln.dockerfile.ignore;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered list of ignore patterns. A path is ignored when the last pattern that matches it (or
 * one of its parent directories) is not a {@code !} exception.
 */
public final class PatternMatcher {
  private final List<IgnorePattern> patterns;
  private final boolean exclusions;

  private PatternMatcher(List<IgnorePattern> patterns) {
    this.patterns = List.copyOf(patterns);
    this.exclusions = patterns.stream().anyMatch(IgnorePattern::exclusion);
  }

  /**
   * Builds a matcher: each pattern is trimmed, empty ones dropped, the rest cleaned; a leading
   * {@code !} marks an exception.
   *
   * @throws IllegalArgumentException for a lone {@code !} or a malformed pattern
   */
  public static PatternMatcher of(List<String> patterns) {
    List<IgnorePattern> out = new ArrayList<>(patterns.size());
    for (String raw : patterns) {
      String p = raw.strip();
      if (p.isEmpty()) {
        continue;
      }
      p = GoPaths.clean(p);
      boolean exclusion = false;
      if (p.charAt(0) == '!') {
        if (p.length() == 1) {
          throw new IllegalArgumentException("illegal exclusion pattern: \"!\"");
        }
        exclusion = true;
        p = p.substring(1);
      }
      GlobSyntax.check(p);
      out.add(new IgnorePattern(p, exclusion));
    }
    return new PatternMatcher(out);
  }

  public List<IgnorePattern> patterns() {
    return patterns;
  }

  /** Whether any pattern is a {@code !} exception. */
  public boolean hasExclusions() {
    return exclusions;
  }

  /**
   * Whether {@code path} ('/'-separated, relative to the context) is ignored, counting a match on
   * any of its parent directories as a match.
   */
  public boolean matchesOrParentMatches(String path) {
    boolean matched = false;
    String parent = GoPaths.dir(path);
    String[] parentDirs = parent.split("/", -1);
    for (IgnorePattern pattern : patterns) {
      if (pattern.exclusion() != matched) {
        continue;
      }
      boolean match = pattern.matches(path);
      if (!match && !parent.equals(".")) {
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < parentDirs.length; i++) {
          if (i > 0) {
            prefix.append('/');
          }
          prefix.append(parentDirs[i]);
          if (pattern.matches(prefix.toString())) {
            match = true;
            break;
          }
        }
      }
      if (match) {
        matched = !pattern.exclusion();
      }
    }
    return matched;
  }

  /**
   * BuildKit's older one-shot rule: the path itself, or only the parent prefix with as many
   * elements as the pattern. {@code .} is never matched.
   */
  public static boolean legacyMatches(String file, List<String> patterns) {
    PatternMatcher pm = of(patterns);
    String path = GoPaths.clean(file);
    if (path.equals(".")) {
      return false;
    }
    boolean matched = false;
    String parent = GoPaths.dir(path);
    String[] parentDirs = parent.split("/", -1);
    for (IgnorePattern pattern : pm.patterns) {
      if (pattern.exclusion() != matched) {
        continue;
      }
      boolean match = pattern.matches(path);
      if (!match && !parent.equals(".") && pattern.depth() <= parentDirs.length) {
        match = pattern.matches(String.join("/", List.of(parentDirs).subList(0, pattern.depth())));
      }
      if (match) {
        matched = !pattern.exclusion();
      }
    }
    return matched;
  }

  /**
   * Whether some {@code !} exception could re-include {@code dir} or a path below it; when not, an
   * ignored directory need not be entered at all.
   */
  public boolean couldReincludeBelow(String dir) {
    for (IgnorePattern p : patterns) {
      if (p.exclusion() && p.couldMatchInside(dir)) {
        return true;
      }
    }
    return false;
  }
}
