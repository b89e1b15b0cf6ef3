package dev.kiln.dockerfile.ignore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ResourceBound;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hostile .dockerignore pattern fails as a pattern error instead of hanging or crashing. */
class PatternLimitsTest {
  private static final Duration TIME = Duration.ofSeconds(20);

  @Test
  void aBacktrackingPatternIsTooComplex() {
    String pattern = "*a".repeat(14) + "*b";
    PatternMatcher m = PatternMatcher.of(List.of(pattern));
    IllegalArgumentException e =
        ResourceBound.within(
            TIME,
            256L << 20,
            () ->
                assertThrows(
                    IllegalArgumentException.class,
                    () -> m.matchesOrParentMatches("a".repeat(80))));
    assertEquals(
        "pattern " + pattern + " is too complex to match: use fewer wildcards", e.getMessage());
    assertTrue(m.matchesOrParentMatches("a".repeat(14) + "b"), "a matching path still matches");
  }

  @Test
  void aPatternOfThousandsOfElementsFailsCleanly() {
    PatternMatcher m = PatternMatcher.of(List.of("?".repeat(20_000)));
    String path = "x".repeat(20_000);
    IllegalArgumentException e =
        ResourceBound.within(
            TIME,
            256L << 20,
            () ->
                assertThrows(IllegalArgumentException.class, () -> m.matchesOrParentMatches(path)));
    assertTrue(e.getMessage().length() < 300, e.getMessage());
    assertFalse(PatternMatcher.of(List.of("?".repeat(3))).matchesOrParentMatches("abcd"));
  }
}
