package dev.kiln.dockerfile.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ResourceBound;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The expander's limits: where they start, and that words inside them still expand. */
class ExpansionLimitsTest {
  private static final ShellWordExpander EXPANDER =
      new ShellWordExpander(ExpansionOptions.standard('\\'));
  private static final Duration TIME = Duration.ofSeconds(20);
  private static final long MIB = 1024 * 1024;

  private static String expand(String word, Map<String, String> env) {
    return ResourceBound.within(TIME, 256 * MIB, () -> EXPANDER.expandWord(word, env::get));
  }

  private static String failure(String word, Map<String, String> env) {
    return ResourceBound.within(
        TIME,
        256 * MIB,
        () ->
            assertThrows(ShellExpansionException.class, () -> EXPANDER.expandWord(word, env::get))
                .getMessage());
  }

  @Test
  void nestingUpToTheLimitExpands() {
    int n = ShellWordExpander.MAX_NESTING;
    assertEquals("x", expand("${v:-".repeat(n) + "x" + "}".repeat(n), Map.of()));
    assertTrue(
        failure("${v:-".repeat(n + 1) + "x" + "}".repeat(n + 1), Map.of())
            .endsWith(": variable references nest more than 100 deep"));
  }

  @Test
  void aWordMayGrowByTheLimitAndNoMore() {
    String big = "a".repeat(ShellWordExpander.MAX_GROWTH);
    assertEquals(big.length(), expand("$A", Map.of("A", big)).length());
    assertEquals(
        "failed to process \"x$A$A\": expanding $A makes the word longer than 2 MiB",
        failure("x$A$A", Map.of("A", big)));
    assertEquals(
        "failed to process \"\\\"${B:-$A$A}\\\"\": expanding $A makes the word longer than 2 MiB",
        failure("\"${B:-$A$A}\"", Map.of("A", big)));
  }

  @Test
  void textWrittenOutIsNotCountedAsGrowth() {
    String written = "w".repeat(3 * ShellWordExpander.MAX_GROWTH);
    assertEquals(written.length() + 1, expand(written + "$A", Map.of("A", "a")).length());
  }

  @Test
  void aReplacementThatMultipliesTheValueStopsAtTheLimit() {
    String value = "a".repeat(40_000);
    String replacement = "b".repeat(40_000);
    assertTrue(
        failure("${V//?/" + replacement + "}", Map.of("V", value))
            .endsWith("makes the word longer than 2 MiB"));
    assertEquals("b".repeat(40_000), expand("${V//a/b}", Map.of("V", value)));
  }

  @Test
  void aBacktrackingPatternIsTooComplexInsteadOfHanging() {
    Map<String, String> env = Map.of("V", "a".repeat(60));
    String pattern = "*a".repeat(12) + "*b";
    assertEquals(
        "failed to process \"${V#"
            + pattern
            + "}\": pattern ("
            + pattern
            + ") in substitution is too complex",
        failure("${V#" + pattern + "}", env));
    // % matches the reversed pattern against the reversed value.
    String reversed = "b" + "*a".repeat(12) + "*";
    assertTrue(failure("${V%%" + reversed + "}", env).endsWith("is too complex"));
    assertTrue(failure("${V//" + pattern + "/x}", env).endsWith("is too complex"));
    // The same shapes on a value they match quickly still work.
    assertEquals("", expand("${V##" + "*a".repeat(12) + "}", env));
  }

  @Test
  void aPatternWithThousandsOfElementsFailsCleanly() {
    Map<String, String> env = Map.of("V", "x".repeat(30_000));
    String message = failure("${V#" + "?".repeat(20_000) + "}", env);
    assertTrue(
        message.contains("in substitution is too complex") || message.contains("invalid pattern"),
        message);
    assertTrue(message.length() < 1000, "the pattern is abbreviated in the message");
  }
}
