package dev.kiln.testdata.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testdata.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The made-up images are real images (skopeo reads them, the validator finds nothing wrong), the
 * same for the same seed, and the validator catches what a broken layout gets wrong.
 */
class RandomImagesIT {
  @TempDir Path dir;

  @Test
  void aRandomImageIsValidReproducibleAndReadBySkopeo() throws Exception {
    Path a = RandomImages.image(dir.resolve("a"), "1", 42, 3);
    Path b = RandomImages.image(dir.resolve("b"), "1", 42, 3);
    ImageValidator.assertValid(a);
    assertArrayEquals(
        Files.readAllBytes(a.resolve("index.json")), Files.readAllBytes(b.resolve("index.json")));
    JsonNode inspected =
        new ObjectMapper()
            .readTree(
                ProcessRunner.run(
                        List.of("skopeo", "inspect", "oci:" + a + ":1"),
                        Map.of(),
                        Duration.ofMinutes(1))
                    .requireSuccess()
                    .stdout());
    assertEquals(3, inspected.path("Layers").size());
    assertEquals("amd64", inspected.path("Architecture").asText());
  }

  @Test
  void aRandomIndexHoldsOneValidImagePerPlatform() throws Exception {
    Path index =
        RandomImages.index(
            dir.resolve("i"), "multi", 7, 2, List.of("linux/amd64", "linux/arm64/v8"));
    ImageValidator.assertValid(index);
    String raw =
        ProcessRunner.run(
                List.of("skopeo", "inspect", "--raw", "oci:" + index + ":multi"),
                Map.of(),
                Duration.ofMinutes(1))
            .requireSuccess()
            .stdout();
    JsonNode list = new ObjectMapper().readTree(raw);
    assertEquals(2, list.path("manifests").size());
    assertEquals(
        "arm64", list.path("manifests").get(1).path("platform").path("architecture").asText());
  }

  @Test
  void theValidatorFindsAMissingBlobAFlippedByteAndAWrongDiffId() throws Exception {
    Path missing = RandomImages.image(dir.resolve("missing"), "1", 1, 2);
    Path config = configBlob(missing);
    Files.delete(firstLayer(missing));
    assertTrue(
        ImageValidator.problems(missing).stream().anyMatch(p -> p.contains("is missing")),
        ImageValidator.problems(missing).toString());

    Path flipped = RandomImages.image(dir.resolve("flipped"), "1", 2, 2);
    Path layer = firstLayer(flipped);
    byte[] bytes = Files.readAllBytes(layer);
    bytes[bytes.length / 2] ^= 1;
    Files.write(layer, bytes);
    assertTrue(
        ImageValidator.problems(flipped).stream().anyMatch(p -> p.contains("hashes to")),
        ImageValidator.problems(flipped).toString());

    Path wrong = RandomImages.image(dir.resolve("wrong"), "1", 3, 2);
    assertFalse(config.toString().isEmpty());
    // Swap the two diff_ids: every blob is intact, but the layers no longer match the config.
    Path wrongConfig = configBlob(wrong);
    String text = Files.readString(wrongConfig);
    JsonNode json = new ObjectMapper().readTree(text);
    String first = json.path("rootfs").path("diff_ids").get(0).asText();
    String second = json.path("rootfs").path("diff_ids").get(1).asText();
    String swapped = text.replace(first, "FIRST").replace(second, first).replace("FIRST", second);
    Files.writeString(wrongConfig, swapped);
    List<String> problems = ImageValidator.problems(wrong);
    assertTrue(problems.stream().anyMatch(p -> p.contains("hashes to")), problems.toString());
  }

  private static Path firstLayer(Path layout) throws Exception {
    JsonNode manifest = manifestOf(layout);
    return blob(layout, manifest.path("layers").get(0).path("digest").asText());
  }

  private static Path configBlob(Path layout) throws Exception {
    return blob(layout, manifestOf(layout).path("config").path("digest").asText());
  }

  private static JsonNode manifestOf(Path layout) throws Exception {
    ObjectMapper json = new ObjectMapper();
    String digest =
        json.readTree(layout.resolve("index.json").toFile())
            .path("manifests")
            .get(0)
            .path("digest")
            .asText();
    return json.readTree(blob(layout, digest).toFile());
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }
}
