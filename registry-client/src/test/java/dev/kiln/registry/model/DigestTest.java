package dev.kiln.registry.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {
  @Test
  void sha256OfKnownInputMatchesTheStandardTestVector() {
    // FIPS 180-2 test vector for "abc".
    Digest d = Digest.sha256("abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals(
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d.toString());
  }

  @Test
  void parseRoundTrips() {
    String text = "sha256:" + "a".repeat(64);
    assertEquals(text, Digest.parse(text).toString());
  }

  @Test
  void rejectsWrongLengthUppercaseAndUnknownAlgorithm() {
    assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha256:abc"));
    assertThrows(IllegalArgumentException.class, () -> Digest.parse("sha256:" + "A".repeat(64)));
    var e =
        assertThrows(IllegalArgumentException.class, () -> Digest.parse("md5:" + "a".repeat(32)));
    assertTrue(e.getMessage().contains("md5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Digest.parse("nocolon"));
  }
}
