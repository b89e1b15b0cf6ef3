package dev.kiln.registry.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {
  private static final String A = "sha256:" + "a".repeat(64);
  private static final String B = "sha256:" + "b".repeat(64);
  private static final String C = "sha256:" + "c".repeat(64);

  // Pretty-printed, unusual key order and an unknown field: all must survive exactly.
  private static final String MANIFEST =
      """
      {
         "layers": [
            {"size": 32, "digest": "%s", "mediaType": "application/vnd.oci.image.layer.v1.tar+zstd",
             "annotations": {"x": "y"}, "x-layer-extra": 7}
         ],
         "schemaVersion": 2,
         "mediaType": "application/vnd.oci.image.manifest.v1+json",
         "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": 7, "digest": "%s"},
         "subject": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 9, "digest": "%s"},
         "artifactType": "application/vnd.example+type",
         "annotations": {"org.opencontainers.image.created": "2024-01-01T00:00:00Z"},
         "x-unknown": [true]
      }
      """
          .formatted(B, A, C);

  @Test
  void parsedManifestKeepsExactBytesAndDigestIsOverThem() {
    byte[] bytes = MANIFEST.getBytes(StandardCharsets.UTF_8);
    ImageManifest m = (ImageManifest) Manifest.parse(bytes, null);
    assertArrayEquals(bytes, m.raw().toByteArray());
    assertEquals(Digest.sha256(bytes), m.digest());
    assertEquals(
        Descriptor.of(MediaType.OCI_MANIFEST, Digest.sha256(bytes), bytes.length), m.descriptor());
    assertEquals(A, m.config().digest().toString());
    assertEquals(MediaType.OCI_LAYER_ZSTD, m.layers().get(0).mediaType());
    assertEquals(C, m.subject().digest().toString());
    assertEquals("application/vnd.example+type", m.artifactType());
    assertEquals(7, m.layers().get(0).extra().get("x-layer-extra").intValue());
    assertEquals(2, m.blobs().size());
  }

  @Test
  void modifiedManifestKeepsUnknownFieldsAtEveryLevel() throws Exception {
    ImageManifest m = ImageManifest.parse(MANIFEST.getBytes(StandardCharsets.UTF_8), null);
    ImageManifest changed = m.withAnnotations(Map.of("k", "v"));
    JsonNode tree = new ObjectMapper().readTree(changed.raw().toByteArray());
    assertEquals("v", tree.get("annotations").get("k").textValue());
    assertTrue(tree.get("x-unknown").get(0).booleanValue());
    assertEquals(7, tree.get("layers").get(0).get("x-layer-extra").intValue());
    assertEquals(C, tree.get("subject").get("digest").textValue());
    assertEquals(changed, ImageManifest.parse(changed.raw().toByteArray(), null));
  }

  @Test
  void newManifestsSerialiseDeterministicallyInSpecOrder() {
    Descriptor config = Descriptor.of(MediaType.OCI_CONFIG, Digest.parse(A), 7);
    Descriptor layer = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.parse(B), 32);
    ImageManifest one =
        ImageManifest.of(MediaType.OCI_MANIFEST, config, List.of(layer))
            .withAnnotations(Map.of("b", "2", "a", "1"));
    ImageManifest two =
        ImageManifest.of(MediaType.OCI_MANIFEST, config, List.of(layer))
            .withAnnotations(new java.util.LinkedHashMap<>(Map.of("a", "1", "b", "2")));
    assertEquals(one.raw(), two.raw());
    assertEquals(
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
            + "\"digest\":\""
            + A
            + "\",\"size\":7},\"layers\":[{\"mediaType\":"
            + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
            + B
            + "\",\"size\":32}],\"annotations\":{\"a\":\"1\",\"b\":\"2\"}}",
        one.raw().asString());
  }

  @Test
  void indexPicksTheManifestForAPlatform() {
    Descriptor amd =
        Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse(A), 1)
            .withPlatform(Platform.of("linux", "amd64", null));
    Descriptor arm64 =
        Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse(B), 1)
            .withPlatform(Platform.of("linux", "arm64", "v8"));
    Descriptor attestation =
        Descriptor.of(MediaType.OCI_MANIFEST, Digest.parse(C), 1)
            .withPlatform(Platform.of("unknown", "unknown", null));
    ImageIndex index = ImageIndex.of(MediaType.OCI_INDEX, List.of(attestation, amd, arm64));
    ImageIndex parsed = (ImageIndex) Manifest.parse(index.raw().toByteArray(), null);
    assertEquals(index, parsed);
    assertEquals(B, parsed.manifestFor(Platform.parse("linux/aarch64")).get().digest().toString());
    assertEquals(A, parsed.manifestFor(Platform.parse("linux/x86_64")).get().digest().toString());
    assertTrue(parsed.manifestFor(Platform.parse("linux/s390x")).isEmpty());
  }

  @Test
  void kindComesFromFieldThenContentTypeThenShape() {
    String bare = "{\"schemaVersion\":2,\"manifests\":[]}";
    assertInstanceOf(ImageIndex.class, Manifest.parse(bare.getBytes(), null));
    Manifest fromHeader =
        Manifest.parse(
            "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"%s\",\"size\":1}}"
                .formatted(A)
                .getBytes(),
            MediaType.DOCKER_MANIFEST + "; charset=utf-8");
    assertEquals(MediaType.DOCKER_MANIFEST, fromHeader.mediaType());
  }

  @Test
  void schema1IsRefusedWithAnExplanation() {
    var e =
        assertThrows(
            MalformedDocumentException.class,
            () -> Manifest.parse("{\"schemaVersion\":1,\"fsLayers\":[]}".getBytes(), null));
    assertTrue(e.getMessage().contains("schema 1"), e.getMessage());
  }

  @Test
  void malformedDescriptorsNameTheirPath() {
    String bad =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:abc\",\"size\":1}}";
    var e =
        assertThrows(
            MalformedDocumentException.class, () -> ImageManifest.parse(bad.getBytes(), null));
    assertTrue(e.getMessage().contains("image manifest.config.digest"), e.getMessage());
    String negative =
        "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"%s\",\"size\":-1}}"
            .formatted(A);
    assertThrows(
        MalformedDocumentException.class, () -> ImageManifest.parse(negative.getBytes(), null));
  }
}
