package dev.kiln.core.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BuildKit's attestation storage, field by field. */
class AttestationManifestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static BuiltImage image(String mediaType) {
    ImageConfig config = ImageConfig.scratch(Platform.of("linux", "arm64", "v8"));
    return new BuiltImage(
        ImageManifest.of(
            mediaType,
            Descriptor.of(MediaType.OCI_CONFIG, config.raw().digest(), config.raw().size()),
            List.of()),
        config,
        d -> InputStream.nullInputStream());
  }

  @Test
  void theIndexListsTheImageThenItsAttestationManifest() throws Exception {
    BuiltImage image = image(MediaType.OCI_MANIFEST);
    InTotoStatement statement =
        new InTotoStatement(
            List.of("pkg:docker/r.example/app@1?platform=linux%2Farm64%2Fv8"),
            image.digest(),
            SbomPredicate.TYPE,
            JSON.readTree("{\"spdxVersion\":\"SPDX-2.3\"}"));
    BuiltIndex index = AttestationManifest.attach(image, List.of(statement), Map.of());

    assertEquals(MediaType.OCI_INDEX, index.index().mediaType());
    List<Descriptor> entries = index.index().manifests();
    assertEquals(2, entries.size());
    assertEquals(image.digest(), entries.get(0).digest());
    assertEquals("arm64", entries.get(0).platform().architecture());
    assertEquals("v8", entries.get(0).platform().variant());
    Descriptor attestation = entries.get(1);
    assertEquals("unknown", attestation.platform().os());
    assertEquals("unknown", attestation.platform().architecture());
    assertEquals(
        Map.of(
            "vnd.docker.reference.type",
            "attestation-manifest",
            "vnd.docker.reference.digest",
            image.digest().toString()),
        attestation.annotations());

    BuiltImage manifest = index.images().get(1);
    assertEquals(attestation.digest(), manifest.digest());
    Descriptor layer = manifest.manifest().layers().get(0);
    assertEquals("application/vnd.in-toto+json", layer.mediaType());
    assertEquals(
        Map.of("in-toto.io/predicate-type", "https://spdx.dev/Document"), layer.annotations());
    JsonNode config = JSON.readTree(manifest.config().raw().toByteArray());
    assertEquals("unknown", config.path("os").asText());
    assertEquals(layer.digest().toString(), config.path("rootfs").path("diff_ids").get(0).asText());

    JsonNode body;
    try (InputStream in = manifest.blobs().open(layer)) {
      body = JSON.readTree(in);
    }
    assertEquals("https://in-toto.io/Statement/v0.1", body.path("_type").asText());
    assertEquals("https://spdx.dev/Document", body.path("predicateType").asText());
    assertEquals(
        image.digest().hex(), body.path("subject").get(0).path("digest").path("sha256").asText());
    assertEquals("SPDX-2.3", body.path("predicate").path("spdxVersion").asText());
  }

  @Test
  void statementsAboutAnotherImageAndDockerManifestsAreRefused() {
    BuiltImage image = image(MediaType.OCI_MANIFEST);
    InTotoStatement other =
        new InTotoStatement(
            List.of(),
            Digest.sha256("x".getBytes(StandardCharsets.UTF_8)),
            "t",
            JSON.createObjectNode());
    assertThrows(
        IllegalArgumentException.class,
        () -> AttestationManifest.attach(image, List.of(other), Map.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> AttestationManifest.attach(image(MediaType.DOCKER_MANIFEST), List.of(), Map.of()));
  }
}
