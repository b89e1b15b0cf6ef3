package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Maven's rules on top of {@code SourceDateEpoch}, which builder-core tests. */
class OutputTimestampTest {
  @Test
  void isoDateTimesWithAnOffsetAreConvertedToUtcSeconds() {
    long expected = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();
    assertEquals(Optional.of(expected), OutputTimestamp.epochSeconds("2024-01-01T00:00:00Z"));
    assertEquals(Optional.of(expected), OutputTimestamp.epochSeconds("2024-01-01T02:00:00+02:00"));
  }

  @Test
  void unsetBlankOrOneCharacterMeansNoTimestamp() {
    assertEquals(Optional.empty(), OutputTimestamp.epochSeconds(null));
    assertEquals(Optional.empty(), OutputTimestamp.epochSeconds("  "));
    assertEquals(Optional.empty(), OutputTimestamp.epochSeconds("a"));
    assertEquals(Optional.of(7L), OutputTimestamp.epochSeconds("7"));
  }

  @Test
  void anythingElseIsRejectedWithTheAcceptedForms() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> OutputTimestamp.epochSeconds("2024-01-01"));
    assertTrue(e.getMessage().contains("'2024-01-01'"), e.getMessage());
    assertTrue(e.getMessage().contains("2024-01-01T00:00:00Z"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> OutputTimestamp.epochSeconds("99999999999999999999999"));
  }
}
