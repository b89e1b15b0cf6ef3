package dev.kiln.core.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.generators.SCrypt;

/**
 * The password encryption of cosign's private keys (go-securesystemslib's {@code encrypted}
 * package): a JSON object naming the key derivation ({@code scrypt}, its N, r, p and a 32-byte
 * salt), the cipher ({@code nacl/secretbox} and a 24-byte nonce) and the ciphertext, byte fields as
 * standard base64. The key is scrypt(password, salt) of 32 bytes.
 *
 * <p>kiln encrypts with N = 2^15, r = 8, p = 1, the parameters every reader of this format accepts
 * (older releases, such as the one in Debian 12's skopeo, accept no other); it decrypts the three
 * parameter sets newer cosign releases write (N = 2^15, 2^16, 2^17) and refuses any other, so a
 * hostile key file cannot make it allocate gigabytes.
 */
public final class PasswordEnvelope {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SALT_BYTES = 32;
  private static final int WRITE_N = 1 << 15;
  private static final List<Integer> READ_N = List.of(1 << 15, 1 << 16, 1 << 17);
  private static final int R = 8;
  private static final int P = 1;

  private PasswordEnvelope() {}

  /** {@code plaintext} encrypted under {@code password}, as the envelope's JSON bytes. */
  public static byte[] seal(byte[] plaintext, byte[] password, SecureRandom random) {
    byte[] salt = new byte[SALT_BYTES];
    byte[] nonce = new byte[SecretBox.NONCE_BYTES];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    byte[] key = SCrypt.generate(password, salt, WRITE_N, R, P, SecretBox.KEY_BYTES);
    byte[] box = SecretBox.seal(plaintext, nonce, key);
    Base64.Encoder b64 = Base64.getEncoder();
    ObjectNode root = JSON.createObjectNode();
    ObjectNode kdf = root.putObject("kdf");
    kdf.put("name", "scrypt");
    ObjectNode params = kdf.putObject("params");
    params.put("N", WRITE_N);
    params.put("r", R);
    params.put("p", P);
    kdf.put("salt", b64.encodeToString(salt));
    ObjectNode cipher = root.putObject("cipher");
    cipher.put("name", "nacl/secretbox");
    cipher.put("nonce", b64.encodeToString(nonce));
    root.put("ciphertext", b64.encodeToString(box));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * The plaintext of an envelope.
   *
   * @throws KeyFormatException for JSON that is not such an envelope, parameters kiln does not
   *     accept, or a wrong password
   */
  public static byte[] open(byte[] envelope, byte[] password) throws KeyFormatException {
    JsonNode root;
    try {
      root = JSON.readTree(envelope);
    } catch (IOException e) {
      throw new KeyFormatException("the encrypted key is not the JSON cosign writes", e);
    }
    JsonNode kdf = root.path("kdf");
    JsonNode cipher = root.path("cipher");
    if (!"scrypt".equals(kdf.path("name").asText())) {
      throw new KeyFormatException(
          "the key is encrypted with key derivation '"
              + kdf.path("name").asText()
              + "'; kiln reads scrypt");
    }
    if (!"nacl/secretbox".equals(cipher.path("name").asText())) {
      throw new KeyFormatException(
          "the key is encrypted with cipher '"
              + cipher.path("name").asText()
              + "'; kiln reads nacl/secretbox");
    }
    JsonNode params = kdf.path("params");
    int n = params.path("N").asInt();
    if (!READ_N.contains(n) || params.path("r").asInt() != R || params.path("p").asInt() != P) {
      throw new KeyFormatException(
          "unsupported scrypt parameters "
              + params
              + "; kiln reads N=32768|65536|131072, r=8, p=1");
    }
    byte[] salt = base64(kdf, "salt");
    byte[] nonce = base64(cipher, "nonce");
    byte[] box = base64(root, "ciphertext");
    if (nonce.length != SecretBox.NONCE_BYTES) {
      throw new KeyFormatException("the encrypted key's nonce is not 24 bytes");
    }
    byte[] key = SCrypt.generate(password, salt, n, R, P, SecretBox.KEY_BYTES);
    return SecretBox.open(box, nonce, key);
  }

  private static byte[] base64(JsonNode node, String field) throws KeyFormatException {
    JsonNode value = node.path(field);
    if (!value.isTextual()) {
      throw new KeyFormatException("the encrypted key has no " + field);
    }
    try {
      return Base64.getDecoder().decode(value.asText());
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException("the encrypted key's " + field + " is not base64");
    }
  }

  /** A password's bytes as the envelope hashes them: UTF-8, as Go's {@code []byte(string)}. */
  public static byte[] passwordBytes(String password) {
    return password.getBytes(StandardCharsets.UTF_8);
  }
}
