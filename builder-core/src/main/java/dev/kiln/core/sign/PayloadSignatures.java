package dev.kiln.core.sign;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Signs and verifies payload bytes as cosign does: ECDSA with SHA-256 (the signature DER-encoded),
 * RSA PKCS#1 v1.5 with SHA-256, or Ed25519 over the bytes themselves.
 */
public final class PayloadSignatures {
  private PayloadSignatures() {}

  public static byte[] sign(PrivateKey key, byte[] payload) {
    try {
      Signature s = Signature.getInstance(algorithm(key));
      s.initSign(key);
      s.update(payload);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with a " + key.getAlgorithm() + " key", e);
    }
  }

  /** Whether {@code signature} is {@code key}'s over {@code payload}; malformed ones are not. */
  public static boolean verifies(PublicKey key, byte[] payload, byte[] signature) {
    try {
      Signature s = Signature.getInstance(algorithm(key));
      s.initVerify(key);
      s.update(payload);
      return s.verify(signature);
    } catch (java.security.SignatureException e) {
      return false; // not a well-formed signature: not a valid one either
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot verify with a " + key.getAlgorithm() + " key", e);
    }
  }

  private static String algorithm(Key key) {
    return switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> throw new IllegalArgumentException("unsupported key " + key.getAlgorithm());
    };
  }
}
