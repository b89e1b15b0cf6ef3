package dev.kiln.core.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DsseEnvelopeTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void preAuthenticationEncodingCountsBytesNotCharacters() {
    assertEquals(
        "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
        new String(
            DsseEnvelope.pae("http://example.com/HelloWorld", utf8("hello world")),
            StandardCharsets.UTF_8));
    // "é" is two bytes in UTF-8: a length in characters would let a payload be re-split.
    assertEquals(
        "DSSEv1 1 t 3 é!", new String(DsseEnvelope.pae("t", utf8("é!")), StandardCharsets.UTF_8));
  }

  @Test
  void anEnvelopeReadsBackAsWritten() {
    DsseEnvelope envelope =
        new DsseEnvelope(
            "application/vnd.in-toto+json",
            utf8("{\"_type\":\"x\"}"),
            List.of(new DsseEnvelope.Signature("", new byte[] {1, 2, 3})));
    String json = new String(envelope.bytes(), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"payload\":\"eyJfdHlwZSI6IngifQ==\""), json);
    DsseEnvelope read = DsseEnvelope.parse(envelope.bytes());
    assertEquals("application/vnd.in-toto+json", read.payloadType());
    assertArrayEquals(envelope.payload(), read.payload());
    assertArrayEquals(new byte[] {1, 2, 3}, read.signatures().get(0).sig());
    assertArrayEquals(envelope.signedBytes(), read.signedBytes());
  }

  @Test
  void whatIsNotAnEnvelopeIsRefusedWithTheReason() {
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> DsseEnvelope.parse(utf8("[")))
            .getMessage()
            .contains("not JSON"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> DsseEnvelope.parse(utf8("{}")))
            .getMessage()
            .contains("no payloadType"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> DsseEnvelope.parse(utf8("{\"payloadType\":\"t\",\"payload\":\"***\"}")))
            .getMessage()
            .contains("base64"));
  }
}
