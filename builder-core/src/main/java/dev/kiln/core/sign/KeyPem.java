package dev.kiln.core.sign;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Signing keys as files, in cosign's format: a private key is PKCS#8, either plain ({@code PRIVATE
 * KEY}, what openssl writes) or encrypted under a password by {@link PasswordEnvelope} ({@code
 * ENCRYPTED COSIGN PRIVATE KEY}); a public key is a PKIX {@code PUBLIC KEY}.
 *
 * <p>Of the two labels cosign uses for an encrypted key, kiln writes {@code ENCRYPTED COSIGN
 * PRIVATE KEY}: every cosign release reads it, and so do containers/image (skopeo, podman), which
 * read no other; cosign 2 writes {@code ENCRYPTED SIGSTORE PRIVATE KEY}, which kiln reads too.
 */
public final class KeyPem {
  public static final String ENCRYPTED_COSIGN = "ENCRYPTED COSIGN PRIVATE KEY";
  public static final String ENCRYPTED_SIGSTORE = "ENCRYPTED SIGSTORE PRIVATE KEY";
  public static final String PKCS8 = "PRIVATE KEY";
  public static final String PUBLIC = "PUBLIC KEY";

  private KeyPem() {}

  /** A fresh ECDSA key pair on NIST P-256, cosign's default. */
  public static KeyPair generateP256(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make P-256 keys", e);
    }
  }

  /** The public key as PEM ({@code PUBLIC KEY}, PKIX). */
  public static String publicPem(PublicKey key) {
    return new PemBlock(PUBLIC, key.getEncoded()).encode();
  }

  /**
   * The private key as PEM: PKCS#8 encrypted under {@code password} when one is given (an empty
   * password still encrypts, as cosign does), else plain PKCS#8.
   */
  public static String privatePem(PrivateKey key, Optional<byte[]> password, SecureRandom random) {
    byte[] pkcs8 = key.getEncoded();
    try {
      if (password.isEmpty()) {
        return new PemBlock(PKCS8, pkcs8).encode();
      }
      return new PemBlock(ENCRYPTED_COSIGN, PasswordEnvelope.seal(pkcs8, password.get(), random))
          .encode();
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /** Whether {@code pem} holds a private key that needs a password. */
  public static boolean isEncrypted(String pem) throws KeyFormatException {
    String type = PemBlock.parseOne(pem).type();
    return type.equals(ENCRYPTED_COSIGN) || type.equals(ENCRYPTED_SIGSTORE);
  }

  /**
   * The private key in {@code pem}.
   *
   * @param password for an encrypted key; empty when none was given
   * @throws KeyFormatException for another kind of PEM, an unsupported key, a missing or wrong
   *     password
   */
  public static PrivateKey readPrivate(String pem, Optional<byte[]> password)
      throws KeyFormatException {
    PemBlock block = PemBlock.parseOne(pem);
    byte[] pkcs8;
    switch (block.type()) {
      case PKCS8 -> pkcs8 = block.bytes();
      case ENCRYPTED_COSIGN, ENCRYPTED_SIGSTORE -> {
        if (password.isEmpty()) {
          throw new KeyFormatException("the private key is encrypted and no password was given");
        }
        pkcs8 = PasswordEnvelope.open(block.bytes(), password.get());
      }
      case "EC PRIVATE KEY", "RSA PRIVATE KEY", "ENCRYPTED PRIVATE KEY" ->
          throw new KeyFormatException(
              "the key is a "
                  + block.type()
                  + "; kiln reads PKCS#8 (PRIVATE KEY) and cosign's encrypted keys: convert it"
                  + " with openssl pkcs8 -topk8 -nocrypt, or make a key with kiln key generate");
      default ->
          throw new KeyFormatException(
              "a " + block.type() + " is not a private key kiln can sign with");
    }
    try {
      for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (java.security.spec.InvalidKeySpecException e) {
          // not this algorithm; try the next
        }
      }
    } catch (GeneralSecurityException e) {
      throw new KeyFormatException("cannot read the private key: " + e.getMessage(), e);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
    throw new KeyFormatException("the private key is not an ECDSA, RSA or Ed25519 key");
  }

  /** The public key in {@code pem} ({@code PUBLIC KEY}). */
  public static PublicKey readPublic(String pem) throws KeyFormatException {
    PemBlock block = PemBlock.parseOne(pem);
    if (!block.type().equals(PUBLIC)) {
      throw new KeyFormatException(
          "a " + block.type() + " is not a public key; give the .pub file (PUBLIC KEY)");
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm)
            .generatePublic(new X509EncodedKeySpec(block.bytes()));
      } catch (GeneralSecurityException e) {
        // not this algorithm; try the next
      }
    }
    throw new KeyFormatException("the public key is not an ECDSA, RSA or Ed25519 key");
  }

  /** {@code pem}'s text, from a file's bytes. */
  public static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
