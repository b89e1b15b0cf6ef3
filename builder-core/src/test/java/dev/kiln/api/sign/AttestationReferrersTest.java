package dev.kiln.api.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.core.attest.InTotoStatement;
import dev.kiln.core.sign.SignatureImage;
import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.JsonBytes;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistrySecurity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed attestations as OCI 1.1 referrers, against an in-process registry that serves the
 * referrers API (no registry installed here does; {@code AttestationsIT} checks the fallback on
 * Debian's docker-registry 2.8, which answers 404): the envelopes go into a referrer manifest whose
 * subject is the image, and verifying finds them there without the {@code .att} tag.
 */
class AttestationReferrersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path keys;

  @Test
  void withTheReferrersApiTheEnvelopesAlsoReferToTheImage() throws Exception {
    try (ReferrersFakeRegistry registry = new ReferrersFakeRegistry(true);
        RegistryClient client = plainHttpClient(registry)) {
      Setup s = setUp(registry, client);
      ImageReference att =
          new ImageAttestations(client).attach(s.repo, s.image, s.statements, s.signer);
      assertEquals(SignatureImage.attestationTagFor(s.image.digest()), att.tag());

      List<JsonNode> referrers =
          registry.manifestsPut.stream().filter(m -> m.has("subject")).toList();
      assertEquals(1, referrers.size(), "one referrer for this signing");
      JsonNode referrer = referrers.get(0);
      assertEquals(s.image.digest().toString(), referrer.path("subject").path("digest").asText());
      assertEquals(
          SignatureImage.ATTESTATION_ARTIFACT_TYPE, referrer.path("artifactType").asText());
      assertEquals(
          SignatureImage.ATTESTATION_ARTIFACT_TYPE,
          referrer.path("config").path("mediaType").asText());
      assertEquals(1, referrer.path("layers").size());
      assertEquals(
          "application/vnd.dsse.envelope.v1+json",
          referrer.path("layers").get(0).path("mediaType").asText());
      assertEquals(
          "https://example.com/predicate/v1",
          referrer.path("layers").get(0).path("annotations").path("predicateType").asText());

      registry.untag("attested/app", att.tag());
      List<VerifiedAttestation> found =
          new ImageAttestations(client)
              .verify(s.repo.withDigest(s.image.digest()), s.verifier, Optional.empty());
      assertEquals(1, found.size(), "found through the referrers API alone");
      assertEquals(s.image.digest(), found.get(0).image());
    }
  }

  @Test
  void withoutTheApiOnlyTheTagIsWrittenAndRead() throws Exception {
    try (ReferrersFakeRegistry registry = new ReferrersFakeRegistry(false);
        RegistryClient client = plainHttpClient(registry)) {
      Setup s = setUp(registry, client);
      ImageReference att =
          new ImageAttestations(client).attach(s.repo, s.image, s.statements, s.signer);
      assertTrue(registry.manifestsPut.stream().noneMatch(m -> m.has("subject")));
      ImageReference image = s.repo.withDigest(s.image.digest());
      assertEquals(
          1, new ImageAttestations(client).verify(image, s.verifier, Optional.empty()).size());

      registry.untag("attested/app", att.tag());
      BuildFailure none =
          assertThrows(
              BuildFailure.class,
              () -> new ImageAttestations(client).verify(image, s.verifier, Optional.empty()));
      assertTrue(none.getMessage().contains("no attestation"), none.getMessage());
    }
  }

  /** A client that speaks plain HTTP to the fake (it never answers a TLS hello). */
  private static RegistryClient plainHttpClient(ReferrersFakeRegistry registry) {
    return RegistryClient.create(
        RegistryClientOptions.builder()
            .security(RegistrySecurity.defaults().withPlainHttp(registry.host()))
            .build());
  }

  private record Setup(
      ImageReference repo,
      Descriptor image,
      List<InTotoStatement> statements,
      Signer signer,
      Verifier verifier) {}

  /** Pushes a one-config image and makes a key pair and a statement about the image. */
  private Setup setUp(ReferrersFakeRegistry registry, RegistryClient client) throws Exception {
    ImageReference repo = ImageReference.parse(registry.host() + "/attested/app");
    JsonBytes config =
        JsonBytes.of(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8));
    Descriptor configDescriptor = Descriptor.of(MediaType.OCI_CONFIG, config);
    ImageManifest manifest = ImageManifest.of(MediaType.OCI_MANIFEST, configDescriptor, List.of());
    client.pushImage(
        repo.withTag("1"),
        new ImageToPush(
            manifest,
            List.of(BlobToPush.of(configDescriptor, BlobContent.ofBytes(config.toByteArray())))),
        List.of());
    SigningKeys.write(
        SigningKeys.generate(Optional.empty()), keys.resolve("k.key"), keys.resolve("k.pub"));
    Signer signer = SigningKeys.signer(keys.resolve("k.key"), Optional.empty(), Map.of());
    Verifier verifier = SigningKeys.verifier(keys.resolve("k.pub"));
    InTotoStatement statement =
        new InTotoStatement(
            List.of("pkg:docker/attested/app@1"),
            manifest.digest(),
            "https://example.com/predicate/v1",
            JSON.readTree("{\"checked\": true}"));
    return new Setup(repo, manifest.descriptor(), List.of(statement), signer, verifier);
  }
}
