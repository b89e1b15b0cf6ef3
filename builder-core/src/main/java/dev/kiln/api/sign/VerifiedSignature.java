package dev.kiln.api.sign;

import dev.kiln.registry.model.Digest;
import java.util.Map;

/**
 * A signature that verified: what its payload claims, now that the claim is trusted.
 *
 * @param dockerReference the repository (or reference) it was signed for
 * @param manifestDigest the image it signs (equal to the one verified)
 * @param optional the payload's optional annotations
 * @param layer the digest of the payload in the signature image
 */
public record VerifiedSignature(
    String dockerReference, Digest manifestDigest, Map<String, String> optional, Digest layer) {
  public VerifiedSignature {
    optional = Map.copyOf(optional);
  }
}
