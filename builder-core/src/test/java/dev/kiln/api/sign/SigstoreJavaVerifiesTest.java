package dev.kiln.api.sign;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.attest.InTotoStatement;
import dev.kiln.core.sign.DsseEnvelope;
import dev.kiln.core.sign.KeyPem;
import dev.kiln.core.sign.SimpleSigningPayload;
import dev.kiln.registry.model.Digest;
import dev.sigstore.bundle.ImmutableDsseEnvelope;
import dev.sigstore.bundle.ImmutableSignature;
import dev.sigstore.encryption.signers.Verifier;
import dev.sigstore.encryption.signers.Verifiers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sigstore-java (sigstore's Java client, test scope) as a second, independent verifier of what kiln
 * signs with a key. Its verifying entry point, {@code KeylessVerifier.verify(artifact, Bundle,
 * VerificationOptions)}, is keyless only: it wants a Fulcio certificate and a transparency-log
 * entry in a sigstore bundle and takes no public key, so it cannot check a key-based cosign
 * signature. What it offers for keys are its primitives, used here: {@code
 * Verifiers.newVerifier(PublicKey).verify(bytes, signature)} for the simple-signing payload, and
 * its DSSE envelope's pre-authentication encoding ({@code Bundle.DsseEnvelope.getPAE()}) for the
 * attestation envelopes.
 */
class SigstoreJavaVerifiesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Digest IMAGE = Digest.sha256("an image".getBytes(StandardCharsets.UTF_8));

  @TempDir Path keys;

  @Test
  void theSimpleSigningPayloadSignature() throws Exception {
    Keys k = keys();
    byte[] payload = new SimpleSigningPayload("registry.example/app", IMAGE, Map.of()).bytes();
    byte[] signature = k.signer.sign(payload).signature();

    Verifier sigstore = Verifiers.newVerifier(k.publicKey);
    assertTrue(sigstore.verify(payload, signature));
    byte[] changed = payload.clone();
    changed[changed.length / 2] ^= 1;
    assertFalse(sigstore.verify(changed, signature), "a changed payload is refused");
    assertFalse(
        Verifiers.newVerifier(keys("other").publicKey).verify(payload, signature),
        "another key is refused");
  }

  @Test
  void theDsseEnvelopeOfAnAttestation() throws Exception {
    Keys k = keys();
    byte[] statement =
        new InTotoStatement(
                List.of("pkg:docker/registry.example/app@1"),
                IMAGE,
                "https://spdx.dev/Document",
                JSON.readTree("{\"spdxVersion\": \"SPDX-2.3\"}"))
            .bytes();
    byte[] pae = DsseEnvelope.pae(InTotoStatement.MEDIA_TYPE, statement);
    byte[] envelope =
        new DsseEnvelope(
                InTotoStatement.MEDIA_TYPE,
                statement,
                List.of(new DsseEnvelope.Signature("", k.signer.sign(pae).signature())))
            .bytes();

    // Read back as plain JSON (not through kiln's parser), then handed to sigstore-java.
    JsonNode json = JSON.readTree(envelope);
    ImmutableDsseEnvelope theirs =
        ImmutableDsseEnvelope.builder()
            .payloadType(json.path("payloadType").asText())
            .payload(Base64.getDecoder().decode(json.path("payload").asText()))
            .addSignatures(
                ImmutableSignature.builder()
                    .sig(
                        Base64.getDecoder()
                            .decode(json.path("signatures").get(0).path("sig").asText()))
                    .build())
            .build();
    assertArrayEquals(pae, theirs.getPAE(), "the same pre-authentication encoding");
    Verifier sigstore = Verifiers.newVerifier(k.publicKey);
    assertTrue(sigstore.verify(theirs.getPAE(), theirs.getSignature()));
    assertFalse(
        Verifiers.newVerifier(keys("other").publicKey)
            .verify(theirs.getPAE(), theirs.getSignature()),
        "another key is refused");
    assertEquals(InTotoStatement.MEDIA_TYPE, theirs.getPayloadType());
  }

  private record Keys(Signer signer, java.security.PublicKey publicKey) {}

  private Keys keys() throws Exception {
    return keys("kiln");
  }

  private Keys keys(String name) throws Exception {
    Path key = keys.resolve(name + ".key");
    Path pub = keys.resolve(name + ".pub");
    SigningKeys.write(SigningKeys.generate(Optional.empty()), key, pub);
    return new Keys(
        SigningKeys.signer(key, Optional.empty(), Map.of()),
        KeyPem.readPublic(Files.readString(pub)));
  }
}
