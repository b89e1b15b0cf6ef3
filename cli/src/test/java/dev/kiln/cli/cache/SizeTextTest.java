package dev.kiln.cli.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SizeTextTest {
  @Test
  void parsesDockerStyleSizesWithBinaryUnits() {
    assertEquals(512, SizeText.parse("512"));
    assertEquals(512, SizeText.parse("512b"));
    assertEquals(1536, SizeText.parse("1.5k"));
    assertEquals(10L << 30, SizeText.parse("10GB"));
    assertEquals(10L << 30, SizeText.parse("10g"));
    assertEquals(2L << 40, SizeText.parse("2TiB"));
    assertThrows(IllegalArgumentException.class, () -> SizeText.parse("ten gigs"));
    assertThrows(IllegalArgumentException.class, () -> SizeText.parse("-1GB"));
  }
}
