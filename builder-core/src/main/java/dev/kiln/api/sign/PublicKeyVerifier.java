package dev.kiln.api.sign;

import dev.kiln.core.sign.PayloadSignatures;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;

/** Trusts signatures made with the private half of one public key. */
public final class PublicKeyVerifier implements Verifier {
  private final PublicKey key;
  private final String name;

  /**
   * @param name for messages, e.g. the key file
   */
  public PublicKeyVerifier(PublicKey key, String name) {
    this.key = key;
    this.name = name;
  }

  @Override
  public Optional<String> reject(
      byte[] payload, byte[] signature, Map<String, String> annotations) {
    return PayloadSignatures.verifies(key, payload, signature)
        ? Optional.empty()
        : Optional.of("not signed by " + describe());
  }

  @Override
  public String describe() {
    return "key " + name;
  }
}
