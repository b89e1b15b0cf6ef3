package dev.kiln.core.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The payload and the signature image, field by field as cosign and containers/image read them. */
class SignatureLayoutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Digest IMAGE = Digest.sha256("an image".getBytes(StandardCharsets.UTF_8));

  @Test
  void thePayloadHasExactlyTheFieldsContainersImageInsistsOn() throws Exception {
    byte[] bytes = new SimpleSigningPayload("127.0.0.1:5000/app", IMAGE, Map.of()).bytes();
    assertEquals(
        "{\"critical\":{\"identity\":{\"docker-reference\":\"127.0.0.1:5000/app\"},"
            + "\"image\":{\"docker-manifest-digest\":\""
            + IMAGE
            + "\"},\"type\":\"cosign container image signature\"},\"optional\":null}",
        new String(bytes, StandardCharsets.UTF_8));
    SimpleSigningPayload back = SimpleSigningPayload.parse(bytes);
    assertEquals("127.0.0.1:5000/app", back.dockerReference());
    assertEquals(IMAGE, back.manifestDigest());
  }

  @Test
  void aPayloadOfAnotherTypeIsNotASignatureOfAnImage() {
    byte[] other =
        "{\"critical\":{\"type\":\"atomic container signature\"}}".getBytes(StandardCharsets.UTF_8);
    assertThrows(IllegalArgumentException.class, () -> SimpleSigningPayload.parse(other));
  }

  private static Descriptor layer(String payload, String signature) {
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return Descriptor.of(SignatureImage.PAYLOAD_MEDIA_TYPE, Digest.sha256(bytes), bytes.length)
        .withAnnotations(Map.of(SignatureImage.SIGNATURE_ANNOTATION, signature));
  }

  @Test
  void theSigImageIsAnOciManifestWhoseLayersAreThePayloads() throws Exception {
    assertEquals("sha256-" + IMAGE.hex() + ".sig", SignatureImage.tagFor(IMAGE));
    Descriptor first = layer("one", "c2lnMQ==");
    SignatureImage image = new SignatureImage(List.of()).with(first);
    assertSame(image, image.with(first), "the same signature is not added twice");
    image = image.with(layer("two", "c2lnMg=="));
    ImageManifest manifest = image.manifest();
    assertEquals(MediaType.OCI_MANIFEST, manifest.mediaType());
    assertEquals(MediaType.OCI_CONFIG, manifest.config().mediaType());
    assertEquals(2, manifest.layers().size());
    JsonNode config = JSON.readTree(image.config().toByteArray());
    assertEquals(first.digest().toString(), config.path("rootfs").path("diff_ids").get(0).asText());
    assertEquals("layers", config.path("rootfs").path("type").asText());
    assertEquals(manifest.config().digest(), image.config().digest());
  }

  @Test
  void asAReferrerItPointsAtTheImage() {
    Descriptor subject = Descriptor.of(MediaType.OCI_MANIFEST, IMAGE, 123);
    ImageManifest referrer = new SignatureImage(List.of(layer("one", "c2ln"))).referrer(subject);
    assertEquals(SignatureImage.ARTIFACT_TYPE, referrer.artifactType());
    assertEquals(SignatureImage.ARTIFACT_TYPE, referrer.config().mediaType());
    assertEquals(IMAGE, referrer.subject().digest());
    assertEquals(123, referrer.subject().size());
  }
}
