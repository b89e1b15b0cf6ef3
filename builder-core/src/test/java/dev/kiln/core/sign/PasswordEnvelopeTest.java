package dev.kiln.core.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * cosign's password envelope: what kiln writes has the fields and parameters every reader accepts,
 * it opens with the right password only, and changed or hostile envelopes are refused. (That
 * cosign's own readers open it is {@code SigningIT}'s business: skopeo signs with a key kiln
 * encrypted.)
 */
class PasswordEnvelopeTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] SECRET = "the PKCS#8 bytes".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PASSWORD = PasswordEnvelope.passwordBytes("correct horse");

  private static byte[] seal() {
    return PasswordEnvelope.seal(SECRET, PASSWORD, new SecureRandom());
  }

  @Test
  void writesScryptAndSecretboxWithTheParametersEveryReaderAccepts() throws Exception {
    JsonNode envelope = JSON.readTree(seal());
    assertEquals("scrypt", envelope.path("kdf").path("name").asText());
    assertEquals(32768, envelope.path("kdf").path("params").path("N").asInt());
    assertEquals(8, envelope.path("kdf").path("params").path("r").asInt());
    assertEquals(1, envelope.path("kdf").path("params").path("p").asInt());
    assertEquals(32, Base64.getDecoder().decode(envelope.path("kdf").path("salt").asText()).length);
    assertEquals("nacl/secretbox", envelope.path("cipher").path("name").asText());
    assertEquals(
        24, Base64.getDecoder().decode(envelope.path("cipher").path("nonce").asText()).length);
    // secretbox: a 16-byte Poly1305 tag, then the message's length of ciphertext
    assertEquals(
        16 + SECRET.length,
        Base64.getDecoder().decode(envelope.path("ciphertext").asText()).length);
  }

  @Test
  void opensWithTheRightPasswordOnly() throws Exception {
    byte[] envelope = seal();
    assertArrayEquals(SECRET, PasswordEnvelope.open(envelope, PASSWORD));
    KeyFormatException wrong =
        assertThrows(
            KeyFormatException.class,
            () -> PasswordEnvelope.open(envelope, PasswordEnvelope.passwordBytes("wrong")));
    assertTrue(wrong.getMessage().contains("wrong password"), wrong.getMessage());
  }

  @Test
  void anEmptyPasswordStillEncrypts() throws Exception {
    byte[] envelope = PasswordEnvelope.seal(SECRET, new byte[0], new SecureRandom());
    assertTrue(!new String(envelope, StandardCharsets.UTF_8).contains("PKCS"));
    assertArrayEquals(SECRET, PasswordEnvelope.open(envelope, new byte[0]));
  }

  @Test
  void aChangedCiphertextIsRefused() throws Exception {
    ObjectNode envelope = (ObjectNode) JSON.readTree(seal());
    byte[] box = Base64.getDecoder().decode(envelope.path("ciphertext").asText());
    box[box.length - 1] ^= 1;
    envelope.put("ciphertext", Base64.getEncoder().encodeToString(box));
    assertThrows(
        KeyFormatException.class,
        () -> PasswordEnvelope.open(JSON.writeValueAsBytes(envelope), PASSWORD));
  }

  @Test
  void scryptCostsOutsideCosignsThreeAreRefusedBeforeAnyWork() throws Exception {
    ObjectNode envelope = (ObjectNode) JSON.readTree(seal());
    ((ObjectNode) envelope.path("kdf").path("params")).put("N", 1 << 24);
    KeyFormatException e =
        assertThrows(
            KeyFormatException.class,
            () -> PasswordEnvelope.open(JSON.writeValueAsBytes(envelope), PASSWORD));
    assertTrue(e.getMessage().contains("unsupported scrypt parameters"), e.getMessage());
  }

  @Test
  void otherCiphersAndNonJsonAreRefused() throws Exception {
    ObjectNode envelope = (ObjectNode) JSON.readTree(seal());
    ((ObjectNode) envelope.path("cipher")).put("name", "aes-gcm");
    assertThrows(
        KeyFormatException.class,
        () -> PasswordEnvelope.open(JSON.writeValueAsBytes(envelope), PASSWORD));
    assertThrows(
        KeyFormatException.class,
        () -> PasswordEnvelope.open("not json".getBytes(StandardCharsets.UTF_8), PASSWORD));
  }
}
