package dev.kiln.api.sign;

import java.io.IOException;

/**
 * Signs the payloads kiln stores as cosign signatures. {@link KeyPairSigner} signs with a private
 * key; a keyless signer (Sigstore's Fulcio and Rekor, which need the network and an OIDC identity)
 * would implement this too: get a short-lived certificate for an ephemeral key, sign, log the
 * signature in the transparency log, and return the certificate, its chain and the log's bundle as
 * the annotations cosign defines for them ({@code dev.sigstore.cosign/certificate}, {@code
 * dev.sigstore.cosign/chain}, {@code dev.sigstore.cosign/bundle}). Nothing else in kiln changes for
 * it: the annotations travel with the signature into the registry.
 */
public interface Signer {
  /** Signs {@code payload}; the caller stores the result. */
  PayloadSignature sign(byte[] payload) throws IOException;

  /** For messages: {@code key cosign.key}. */
  String describe();
}
