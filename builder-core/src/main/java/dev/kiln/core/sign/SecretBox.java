package dev.kiln.core.sign;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl's {@code crypto_secretbox} (XSalsa20 and Poly1305), the cipher of cosign's encrypted keys.
 * BouncyCastle has both primitives but not their composition: the first 32 bytes of the XSalsa20
 * key stream are the Poly1305 key, the rest encrypts the message, and the box is the 16-byte tag
 * followed by the ciphertext.
 */
final class SecretBox {
  static final int KEY_BYTES = 32;
  static final int NONCE_BYTES = 24;
  private static final int TAG_BYTES = 16;

  private SecretBox() {}

  static byte[] seal(byte[] message, byte[] nonce, byte[] key) {
    XSalsa20Engine stream = stream(nonce, key);
    byte[] macKey = keyStream(stream);
    byte[] box = new byte[TAG_BYTES + message.length];
    stream.processBytes(message, 0, message.length, box, TAG_BYTES);
    byte[] tag = tag(macKey, box, TAG_BYTES, message.length);
    System.arraycopy(tag, 0, box, 0, TAG_BYTES);
    return box;
  }

  /**
   * The message in {@code box}.
   *
   * @throws KeyFormatException when the tag does not match: a wrong key (password) or a changed box
   */
  static byte[] open(byte[] box, byte[] nonce, byte[] key) throws KeyFormatException {
    if (box.length < TAG_BYTES) {
      throw new KeyFormatException("the encrypted key is too short");
    }
    XSalsa20Engine stream = stream(nonce, key);
    byte[] macKey = keyStream(stream);
    byte[] expected = tag(macKey, box, TAG_BYTES, box.length - TAG_BYTES);
    if (!MessageDigest.isEqual(expected, Arrays.copyOf(box, TAG_BYTES))) {
      throw new KeyFormatException("wrong password, or the key file was changed");
    }
    byte[] message = new byte[box.length - TAG_BYTES];
    stream.processBytes(box, TAG_BYTES, message.length, message, 0);
    return message;
  }

  private static XSalsa20Engine stream(byte[] nonce, byte[] key) {
    if (nonce.length != NONCE_BYTES || key.length != KEY_BYTES) {
      throw new IllegalArgumentException("secretbox needs a 24-byte nonce and a 32-byte key");
    }
    XSalsa20Engine engine = new XSalsa20Engine();
    engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    return engine;
  }

  private static byte[] keyStream(XSalsa20Engine stream) {
    byte[] macKey = new byte[32];
    stream.processBytes(new byte[32], 0, 32, macKey, 0);
    return macKey;
  }

  private static byte[] tag(byte[] macKey, byte[] data, int offset, int length) {
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(macKey));
    mac.update(data, offset, length);
    byte[] tag = new byte[TAG_BYTES];
    mac.doFinal(tag, 0);
    return tag;
  }
}
