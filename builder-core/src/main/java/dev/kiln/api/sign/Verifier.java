package dev.kiln.api.sign;

import java.util.Map;
import java.util.Optional;

/**
 * Decides whether a stored signature is trusted. {@link PublicKeyVerifier} checks it against one
 * public key; a keyless verifier would check the certificate in the annotations against Fulcio's
 * root, the identity and issuer it names, and the Rekor bundle, then the signature against the
 * certificate's key.
 */
public interface Verifier {
  /**
   * Empty when {@code signature} over {@code payload} is trusted, else why not (for the message
   * that lists every signature that was tried).
   */
  Optional<String> reject(byte[] payload, byte[] signature, Map<String, String> annotations);

  /** For messages: {@code key cosign.pub}. */
  String describe();
}
