package dev.kiln.api.sign;

import dev.kiln.core.sign.PayloadSignatures;
import java.security.PrivateKey;
import java.util.Map;

/** Signs with a private key (ECDSA P-256 from {@code kiln key generate}, or RSA, Ed25519). */
public final class KeyPairSigner implements Signer {
  private final PrivateKey key;
  private final String name;

  /**
   * @param name for messages, e.g. the key file
   */
  public KeyPairSigner(PrivateKey key, String name) {
    this.key = key;
    this.name = name;
  }

  @Override
  public PayloadSignature sign(byte[] payload) {
    return new PayloadSignature(PayloadSignatures.sign(key, payload), Map.of());
  }

  @Override
  public String describe() {
    return "key " + name;
  }
}
