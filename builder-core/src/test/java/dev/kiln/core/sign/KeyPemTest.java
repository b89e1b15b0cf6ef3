package dev.kiln.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Key files: what kiln writes reads back, signs and verifies; what it cannot use says why. */
class KeyPemTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] PAYLOAD = "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8);

  @Test
  void aGeneratedPairIsP256AndRoundTripsThroughPem() throws Exception {
    KeyPair pair = KeyPem.generateP256(RANDOM);
    assertEquals(
        256, ((ECPublicKey) pair.getPublic()).getParams().getCurve().getField().getFieldSize());
    String privatePem = KeyPem.privatePem(pair.getPrivate(), Optional.empty(), RANDOM);
    String publicPem = KeyPem.publicPem(pair.getPublic());
    assertTrue(privatePem.startsWith("-----BEGIN PRIVATE KEY-----\n"), privatePem);
    assertTrue(publicPem.startsWith("-----BEGIN PUBLIC KEY-----\n"), publicPem);
    assertFalse(KeyPem.isEncrypted(privatePem));

    PrivateKey read = KeyPem.readPrivate(privatePem, Optional.empty());
    PublicKey readPublic = KeyPem.readPublic(publicPem);
    byte[] signature = PayloadSignatures.sign(read, PAYLOAD);
    // The JDK alone, without kiln's reader, accepts the signature: ECDSA over SHA-256, DER.
    Signature jdk = Signature.getInstance("SHA256withECDSA");
    jdk.initVerify(pair.getPublic());
    jdk.update(PAYLOAD);
    assertTrue(jdk.verify(signature));
    assertTrue(PayloadSignatures.verifies(readPublic, PAYLOAD, signature));
    assertFalse(
        PayloadSignatures.verifies(
            readPublic, "{\"other\":1}".getBytes(StandardCharsets.UTF_8), signature));
  }

  @Test
  void anEncryptedKeyIsCosignsLabelAndNeedsItsPassword() throws Exception {
    KeyPair pair = KeyPem.generateP256(RANDOM);
    byte[] password = PasswordEnvelope.passwordBytes("s3cret");
    String pem = KeyPem.privatePem(pair.getPrivate(), Optional.of(password), RANDOM);
    assertTrue(pem.startsWith("-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n"), pem);
    assertTrue(KeyPem.isEncrypted(pem));
    assertEquals(pair.getPrivate(), KeyPem.readPrivate(pem, Optional.of(password)));
    KeyFormatException none =
        assertThrows(KeyFormatException.class, () -> KeyPem.readPrivate(pem, Optional.empty()));
    assertTrue(none.getMessage().contains("encrypted"), none.getMessage());
    assertThrows(
        KeyFormatException.class,
        () -> KeyPem.readPrivate(pem, Optional.of(PasswordEnvelope.passwordBytes("nope"))));
  }

  @Test
  void cosign2sLabelIsReadToo() throws Exception {
    KeyPair pair = KeyPem.generateP256(RANDOM);
    byte[] password = new byte[0];
    PemBlock cosign =
        PemBlock.parseOne(KeyPem.privatePem(pair.getPrivate(), Optional.of(password), RANDOM));
    String sigstore = new PemBlock(KeyPem.ENCRYPTED_SIGSTORE, cosign.bytes()).encode();
    assertEquals(pair.getPrivate(), KeyPem.readPrivate(sigstore, Optional.of(password)));
  }

  @Test
  void keysKilnCannotUseSayWhatToDo() {
    KeyFormatException sec1 =
        assertThrows(
            KeyFormatException.class,
            () ->
                KeyPem.readPrivate(
                    new PemBlock("EC PRIVATE KEY", new byte[] {1, 2}).encode(), Optional.empty()));
    assertTrue(sec1.getMessage().contains("openssl pkcs8 -topk8"), sec1.getMessage());
    KeyFormatException notPublic =
        assertThrows(
            KeyFormatException.class,
            () -> KeyPem.readPublic(new PemBlock("PRIVATE KEY", new byte[] {1}).encode()));
    assertTrue(notPublic.getMessage().contains(".pub"), notPublic.getMessage());
    assertThrows(KeyFormatException.class, () -> PemBlock.parseOne("no pem here"));
    assertThrows(
        KeyFormatException.class, () -> PemBlock.parseOne("-----BEGIN PUBLIC KEY-----\nAAAA\n"));
  }
}
