package dev.kiln.api.sign;

import java.util.Map;

/**
 * A signature over a payload, as a {@link Signer} returns it.
 *
 * @param signature the signature's bytes (for ECDSA, DER), stored base64 in the {@code
 *     dev.cosignproject.cosign/signature} annotation
 * @param annotations further annotations of the signature layer (a keyless signer's certificate and
 *     transparency-log bundle); empty for a key pair
 */
public record PayloadSignature(byte[] signature, Map<String, String> annotations) {
  public PayloadSignature {
    signature = signature.clone();
    annotations = Map.copyOf(annotations);
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }
}
