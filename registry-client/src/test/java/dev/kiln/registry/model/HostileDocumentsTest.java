package dev.kiln.registry.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ResourceBound;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Small or huge hostile manifests, indexes and configs: each ends in a clean {@link
 * MalformedDocumentException} within a time and memory bound and on a small stack, never in an
 * OutOfMemoryError, a StackOverflowError or minutes of work (issue 13). Memory is what the parsing
 * thread allocates; the documents themselves are made before the bound starts.
 */
class HostileDocumentsTest {
  private static final Duration TIME = Duration.ofSeconds(20);
  private static final long MIB = 1024 * 1024;
  private static final String DIGEST = "sha256:" + "0".repeat(64);

  /** The message of the exception {@code parse} must end in, within the bounds. */
  private static String refusal(long maxBytes, Runnable parse) {
    return ResourceBound.within(
        TIME,
        maxBytes,
        () -> {
          var e = assertThrows(MalformedDocumentException.class, parse::run);
          assertTrue(e.getMessage().length() < 2000, e.getMessage().length() + " characters");
          return e.getMessage();
        });
  }

  private static byte[] manifestWithLayers(int count, String layer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(count * (layer.length() + 1) + 200);
    out.writeBytes(
        ("{\"schemaVersion\":2,\"mediaType\":\""
                + MediaType.OCI_MANIFEST
                + "\",\"config\":"
                + "{\"mediaType\":\""
                + MediaType.OCI_CONFIG
                + "\",\"digest\":\""
                + DIGEST
                + "\",\"size\":2},\"layers\":[")
            .getBytes(StandardCharsets.UTF_8));
    byte[] one = layer.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(one);
    }
    out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void aManifestOfTenMillionLayersIsRefusedUnparsed() {
    // 30 MB of "{}": parsed, the tree alone took gigabytes.
    byte[] manifest = manifestWithLayers(10_000_000, "{}");
    String expected =
        "image manifest is "
            + manifest.length
            + " bytes; kiln reads at most 4194304 bytes (4 MiB, the limit registries apply to"
            + " manifests)";
    assertEquals(expected, refusal(16 * MIB, () -> ImageManifest.parse(manifest, null)));
    assertEquals(
        expected.replace("image manifest", "manifest"),
        refusal(16 * MIB, () -> Manifest.parse(manifest, null)));
    assertEquals(
        expected.replace("image manifest", "image index"),
        refusal(16 * MIB, () -> ImageIndex.parse(manifest, null)));
  }

  @Test
  void theLargestManifestARegistryTakesParsesWithinBounds() {
    // As many real layer descriptors as fit in 4 MiB (about 28,000).
    String layer =
        "{\"mediaType\":\""
            + MediaType.OCI_LAYER_GZIP
            + "\",\"digest\":\""
            + DIGEST
            + "\",\"size\":1}";
    int count = (Manifest.MAX_BYTES - 300) / (layer.length() + 1);
    byte[] manifest = manifestWithLayers(count, layer);
    ImageManifest parsed =
        ResourceBound.within(TIME, 256 * MIB, () -> ImageManifest.parse(manifest, null));
    assertEquals(count, parsed.layers().size());
  }

  @Test
  void aManifestOfEmptyLayerObjectsFailsAtTheFirstWithinBounds() {
    // The worst case of tree size per byte that a registry would still serve: 1.4 million empty
    // objects. Copying every object before reading it, and a reader per element made before the
    // first was read, took 590 MiB; now 130 MiB.
    byte[] manifest = manifestWithLayers((Manifest.MAX_BYTES - 300) / 3, "{}");
    assertEquals(
        "image manifest.layers[0].mediaType is required",
        refusal(192 * MIB, () -> ImageManifest.parse(manifest, null)));
  }

  @Test
  void deeplyNestedJsonIsRefusedAtItsDepthLimit() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    for (String document :
        new String[] {
          "{\"schemaVersion\":2,\"manifests\":[],\"x\":" + deep + "}",
          "{\"config\":{\"Labels\":" + deep + "}}",
          "{\"x\":" + "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_001)
        }) {
      byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
      assertTrue(
          refusal(64 * MIB, () -> ImageConfig.parse(bytes)).contains("nesting depth"),
          document.substring(0, 30));
      refusal(64 * MIB, () -> Manifest.parse(bytes, null));
    }
  }

  @Test
  void justWithinTheDepthLimitParsesAndWritesBackOnASmallStack() {
    // Jackson refuses more than 1000 levels; everything kiln does with a tree (copying it into
    // the record, writing it back) must then manage 1000 levels on a small stack.
    String deep = "[".repeat(990) + "]".repeat(990);
    byte[] bytes =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"x\":" + deep + "}")
            .getBytes(StandardCharsets.UTF_8);
    ImageConfig config =
        ResourceBound.within(TIME, 64 * MIB, () -> ImageConfig.parse(bytes).toBuilder().build());
    assertTrue(config.raw().asString().endsWith(deep + "}"));
  }

  @Test
  void hugeNumbersAreRefusedOrKeptWithoutBeingExpanded() {
    // An exponent is kept as written, never turned into its billion digits.
    byte[] bytes =
        "{\"schemaVersion\":1e999999999,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        "image index.schemaVersion must be an integer",
        refusal(16 * MIB, () -> ImageIndex.parse(bytes, null)));
    ImageConfig config =
        ResourceBound.within(
            TIME,
            16 * MIB,
            () ->
                ImageConfig.parse(
                        "{\"x\":1e999999999,\"y\":-1e-999999999}".getBytes(StandardCharsets.UTF_8))
                    .toBuilder()
                    .build());
    assertEquals("{\"x\":1E+999999999,\"y\":-1E-999999999}", config.raw().asString());
  }

  @Test
  void aNumberWhoseExponentDoesNotFitIsMalformedJson() {
    // Found by DocumentFuzzTest: Jackson throws a bare NumberFormatException for this, which
    // escaped every parser as an internal error.
    byte[] bytes =
        "{\"schemaVersion\":2,\"manifests\":[],\"x\":1e9999999999}"
            .getBytes(StandardCharsets.UTF_8);
    assertTrue(
        refusal(16 * MIB, () -> ImageConfig.parse(bytes))
            .startsWith("image config is not valid JSON: "));
    assertTrue(
        refusal(16 * MIB, () -> Manifest.parse(bytes, null))
            .startsWith("manifest is not valid JSON: "));
    assertTrue(
        refusal(16 * MIB, () -> ImageIndex.parse(bytes, null))
            .startsWith("image index is not valid JSON: "));
  }

  @Test
  void longValuesAreQuotedOnlyInPart() {
    String mib = "x".repeat(1 << 20);
    String key = "k".repeat(40_000);
    String[] documents = {
      "{\"schemaVersion\":2,\"mediaType\":\"" + mib + "\"}",
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\"sha256:"
          + mib
          + "\",\"size\":1}}",
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\""
          + mib
          + ":0\",\"size\":1}}",
      "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"a\",\"digest\":\""
          + mib
          + "\",\"size\":1}}",
      "{\"schemaVersion\":2,\"annotations\":{\"" + key + "\":1},\"manifests\":[]}",
      "{\"schemaVersion\":2,\"" + key + "\":1,\"" + key + "\":2}",
    };
    for (String document : documents) {
      byte[] bytes = document.getBytes(StandardCharsets.UTF_8);
      String message = refusal(64 * MIB, () -> Manifest.parse(bytes, null));
      assertTrue(
          message.length() < 600, message.length() + " characters: " + message.substring(0, 100));
      assertTrue(message.contains("characters)"), message);
    }
  }
}
