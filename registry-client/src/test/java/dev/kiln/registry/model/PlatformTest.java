package dev.kiln.registry.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {
  @ParameterizedTest
  @CsvSource({
    "linux/x86_64, linux/amd64",
    "linux/x86-64, linux/amd64",
    "linux/amd64, linux/amd64",
    "linux/aarch64, linux/arm64",
    "linux/arm64/v8, linux/arm64",
    "linux/arm64/8, linux/arm64",
    "linux/arm, linux/arm/v7",
    "linux/armhf, linux/arm/v7",
    "linux/armel, linux/arm/v6",
    "linux/arm/6, linux/arm/v6",
    "linux/i386, linux/386",
    "Linux/AMD64, linux/amd64",
    "linux/amd64/v3, linux/amd64/v3",
  })
  void normalisesTheWaysPeopleSpellPlatforms(String given, String expected) {
    assertEquals(expected, Platform.parse(given).toString());
  }

  @Test
  void arm64V8AndArm64AreTheSamePlatform() {
    assertTrue(Platform.parse("linux/arm64/v8").matches(Platform.of("linux", "arm64", null)));
    assertTrue(Platform.of("linux", "aarch64", null).matches(Platform.of("linux", "arm64", "v8")));
    assertFalse(Platform.parse("linux/arm/v7").matches(Platform.of("linux", "arm", "v6")));
    assertFalse(Platform.parse("linux/amd64").matches(Platform.of("windows", "amd64", null)));
  }

  @Test
  void rejectsMalformedPlatforms() {
    assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux"));
    assertThrows(IllegalArgumentException.class, () -> Platform.parse("linux//v7"));
    assertThrows(IllegalArgumentException.class, () -> Platform.parse("a/b/c/d"));
  }
}
