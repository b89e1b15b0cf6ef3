package dev.kiln.dockerfile.lint;

import dev.kiln.dockerfile.ignore.GoPaths;
import dev.kiln.dockerfile.ignore.IgnorePattern;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.parser.SourceRange;
import java.util.List;
import java.util.Set;

/**
 * CopyIgnoredFile: a COPY or ADD source from the build context that {@code .dockerignore} leaves
 * out, so the instruction cannot see it. With a {@code !} exception among the patterns nothing is
 * reported: a path under an excluded directory may be let back in, which a source path alone cannot
 * tell.
 */
public final class IgnoredCopySources {
  private static final Set<String> EVERYTHING = Set.of("*", "**", "**/*");

  private final PatternMatcher matcher;

  private IgnoredCopySources(PatternMatcher matcher) {
    this.matcher = matcher;
  }

  /**
   * The check for these {@code .dockerignore} lines, or null when it can report nothing (no
   * patterns, an exception among them, or patterns the build itself will refuse).
   */
  public static IgnoredCopySources of(List<String> ignorePatterns) {
    if (ignorePatterns.isEmpty()) {
      return null;
    }
    PatternMatcher m;
    try {
      m = PatternMatcher.of(ignorePatterns);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return m.hasExclusions() || m.patterns().isEmpty() ? null : new IgnoredCopySources(m);
  }

  /**
   * Adds a warning to {@code out} for each of {@code sources} (expanded, as written after the
   * flags) that is ignored; {@code keyword} is {@code COPY} or {@code ADD}.
   */
  public void check(String keyword, List<String> sources, SourceRange at, List<ParseWarning> out) {
    for (String source : sources) {
      String path = GoPaths.clean(source);
      while (path.startsWith("/")) {
        path = path.substring(1);
      }
      if (path.isEmpty() || path.equals(".")) {
        // The context root is never itself ignored; only a pattern that drops every entry in it
        // leaves such a copy with nothing.
        if (matcher.patterns().stream().map(IgnorePattern::text).noneMatch(EVERYTHING::contains)) {
          continue;
        }
        path = ".";
      } else if (!matcher.matchesOrParentMatches(path)) {
        continue;
      }
      String verb = keyword.equals("ADD") ? "Add" : "Copy";
      out.add(
          LintRule.COPY_IGNORED_FILE.warning(
              "Attempting to "
                  + verb
                  + " file \""
                  + (path.equals(".") ? GoPaths.clean(source) : path)
                  + "\" that is excluded by .dockerignore",
              at));
    }
  }
}
