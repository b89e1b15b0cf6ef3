package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** buildx's attestation flags and kiln's {@code --sign}, as they parse. */
class AttestationSpecTest {
  @Test
  void sbomShorthandAndLongForm() {
    assertEquals(
        Optional.of(new AttestationSpec(AttestationSpec.Type.SBOM, Map.of())),
        AttestationSpec.sbom("true"));
    assertEquals(Optional.empty(), AttestationSpec.sbom("false"));
    assertEquals(
        AttestationSpec.Type.SBOM, AttestationSpec.attest("type=sbom").orElseThrow().type());
    assertEquals(Optional.empty(), AttestationSpec.attest("type=sbom,disabled=true"));
    RequestException generator =
        assertThrows(RequestException.class, () -> AttestationSpec.sbom("generator=img:1"));
    assertTrue(
        generator.getMessage().contains("kiln scans the image itself"), generator.getMessage());
  }

  @Test
  void provenanceModes() {
    assertEquals(
        AttestationSpec.ProvenanceMode.MIN,
        AttestationSpec.provenance("true").orElseThrow().mode());
    assertEquals(
        AttestationSpec.ProvenanceMode.MAX,
        AttestationSpec.provenance("mode=max").orElseThrow().mode());
    assertEquals(
        AttestationSpec.ProvenanceMode.MAX,
        AttestationSpec.attest("type=provenance,mode=max").orElseThrow().mode());
    assertEquals(
        Optional.of("https://ci.example/runner"),
        AttestationSpec.provenance("mode=min,builder-id=https://ci.example/runner")
            .orElseThrow()
            .builderId());
    assertThrows(RequestException.class, () -> AttestationSpec.provenance("mode=medium"));
    assertThrows(RequestException.class, () -> AttestationSpec.provenance("version=v0.2"));
    assertThrows(RequestException.class, () -> AttestationSpec.attest("type=vex"));
    assertThrows(RequestException.class, () -> AttestationSpec.attest("mode=max"));
  }

  @Test
  void signSpec() {
    assertEquals(
        new SignSpec(Path.of("k.key"), Optional.of("PW")),
        SignSpec.parse("key=k.key,password-env=PW"));
    assertEquals(new SignSpec(Path.of("k.key"), Optional.empty()), SignSpec.parse("key=k.key"));
    assertThrows(RequestException.class, () -> SignSpec.parse("password-env=PW"));
    assertThrows(RequestException.class, () -> SignSpec.parse("key=k.key,keyless=true"));
  }

  @Test
  void aLaterFlagOfTheSameTypeReplacesAnEarlierOne() {
    BuildRequest request =
        BuildRequest.builder(Path.of("."))
            .attest(AttestationSpec.attest("type=provenance,mode=max").orElseThrow())
            .attest(AttestationSpec.provenance("mode=min").orElseThrow())
            .attest(AttestationSpec.sbom("true").orElseThrow())
            .noAttestation(AttestationSpec.Type.SBOM)
            .build();
    assertEquals(1, request.attestations().size());
    assertEquals(
        AttestationSpec.ProvenanceMode.MIN,
        request.attestation(AttestationSpec.Type.PROVENANCE).orElseThrow().mode());
  }
}
