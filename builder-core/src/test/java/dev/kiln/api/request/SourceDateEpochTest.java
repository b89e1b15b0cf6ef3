package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SourceDateEpochTest {
  @Test
  void secondsOrAnIsoDateTimeWithAnOffsetTruncatedToSeconds() {
    assertEquals(1704067200L, SourceDateEpoch.parse("1704067200"));
    assertEquals(0L, SourceDateEpoch.parse(" 0 "));
    assertEquals(1704067200L, SourceDateEpoch.parse("2024-01-01T00:00:00Z"));
    assertEquals(1704067200L, SourceDateEpoch.parse("2024-01-01T02:00:00+02:00"));
    assertEquals(1704067200L, SourceDateEpoch.parse("2024-01-01T00:00:00.999Z"));
  }

  @Test
  void anythingElseSaysBothForms() {
    for (String bad : new String[] {"2024-01-01", "99999999999999999999999", "", "yesterday"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SourceDateEpoch.parse(bad), bad);
      assertTrue(e.getMessage().contains("2024-01-01T00:00:00Z or 1704067200"), e.getMessage());
    }
  }
}
