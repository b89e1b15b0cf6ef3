package dev.kiln.dockerfile.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.dockerfile.ignore.GoPaths;
import dev.kiln.dockerfile.ignore.IgnoreFile;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Any {@code .dockerignore} text and path through the reader and the matcher. The only failure
 * allowed is the documented {@link IllegalArgumentException} (a malformed or too complex pattern)
 * with a short message. Properties: read patterns are cleaned, never empty or rooted; without a
 * {@code !} exception, ignoring a context path ignores everything below it, and nothing can be
 * re-included; an empty file ignores nothing.
 *
 * <p>An input is text: the path on the first line, a child name on the second, then the {@code
 * .dockerignore} content.
 */
class IgnoreFuzzTest {
  @FuzzTest(maxDuration = "20s", maxExecutions = 15_000)
  // Dictionary entries are written into libFuzzer's dictionary as they are: \x0a is a newline.
  @DictionaryEntries({"*", "**", "**/", "?", "[", "]", "[^", "-", "\\\\", "!", "/", "#", "\\x0a"})
  void readAndMatch(byte[] input) {
    String[] parts = new String(input, StandardCharsets.UTF_8).split("\n", 3);
    String path = parts[0];
    String child = parts.length > 1 ? parts[1].replace("/", "") : "";
    String content = parts.length > 2 ? parts[2] : "";
    List<String> patterns = IgnoreFile.parse(content);
    for (String p : patterns) {
      // Trimmed before the leading "/" is removed, as BuildKit does: "/\f*" reads as "\f*", and
      // the matcher trims again.
      assertFalse(p.isEmpty(), "empty pattern");
      assertFalse(p.startsWith("/") && p.length() > 1, "rooted pattern " + p);
    }
    try {
      PatternMatcher matcher = PatternMatcher.of(patterns);
      boolean ignored = matcher.matchesOrParentMatches(path);
      if (patterns.isEmpty()) {
        assertFalse(ignored, "no pattern ignores " + path);
      }
      if (!matcher.hasExclusions()) {
        assertFalse(matcher.couldReincludeBelow(path), "re-included without an exception");
        if (ignored && isContextPath(path) && isContextPath(child)) {
          assertTrue(
              matcher.matchesOrParentMatches(path + "/" + child),
              "ignored " + path + " but not " + path + "/" + child);
        }
      }
    } catch (IllegalArgumentException e) {
      assertTrue(String.valueOf(e.getMessage()).length() <= 300, e.getMessage());
    }
  }

  /**
   * A path as the context walker produces it: clean, relative, inside the context. (BuildKit's
   * parent rule splits the path's directory on "/", so for "/a" it also tries the prefix "/", which
   * no context path can have.)
   */
  private static boolean isContextPath(String path) {
    return !path.isEmpty()
        && GoPaths.clean(path).equals(path)
        && !path.startsWith("/")
        && !path.equals(".")
        && !path.equals("..")
        && !path.startsWith("../");
  }
}
