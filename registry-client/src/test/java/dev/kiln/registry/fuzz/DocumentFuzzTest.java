package dev.kiln.registry.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.JsonBytes;
import dev.kiln.registry.model.MalformedDocumentException;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.testdata.ResourceBound;
import java.util.function.Function;

/**
 * Any bytes as a manifest, an index and an image config: {@link Manifest#parse}, {@link
 * ImageManifest#parse}, {@link ImageIndex#parse} and {@link ImageConfig#parse}. The only failure
 * allowed is a {@link MalformedDocumentException} with a message of a few lines. A document that
 * parses keeps its exact bytes, so its digest is the digest of the input; re-serialised, it parses
 * back to the same value and the same bytes (so the same digest) again; parsing allocates in
 * proportion to the document.
 */
class DocumentFuzzTest {
  /** Allocation allowed whatever the input (Jackson's buffers, Jazzer's own hooks). */
  private static final long FIXED_ALLOCATION = 16L << 20;

  /** Allocation allowed per byte of document, for the four parses and the re-serialisations. */
  private static final long ALLOCATION_PER_BYTE = 1024;

  private static final int MAX_MESSAGE = 2048;

  @FuzzTest(maxDuration = "20s", maxExecutions = 8_000)
  // Dictionary entries are written into libFuzzer's dictionary as they are.
  @DictionaryEntries({"\\\"schemaVersion\\\":2", "\\\"mediaType\\\":", "\\\"config\\\":"})
  @DictionaryEntries({
    "\\\"layers\\\":[",
    "\\\"manifests\\\":[",
    "\\\"digest\\\":",
    "\\\"size\\\":"
  })
  @DictionaryEntries({
    "\\\"platform\\\":{",
    "\\\"os\\\":",
    "\\\"architecture\\\":",
    "\\\"urls\\\":"
  })
  @DictionaryEntries({"\\\"annotations\\\":{", "\\\"subject\\\":", "\\\"artifactType\\\":"})
  @DictionaryEntries({
    "\\\"rootfs\\\":{",
    "\\\"diff_ids\\\":[",
    "\\\"history\\\":[",
    "\\\"Env\\\":["
  })
  @DictionaryEntries({"\\\"Healthcheck\\\":{", "\\\"ExposedPorts\\\":{", "\\\"Labels\\\":{"})
  @DictionaryEntries({
    "\\\"sha256:",
    "0000000000000000000000000000000000000000000000000000000000000000"
  })
  @DictionaryEntries({"application/vnd.oci.image.manifest.v1+json", "1e999999999", "\\\\ud800"})
  @DictionaryEntries({"application/vnd.oci.image.index.v1+json", "-0.0", "9223372036854775808"})
  void parseDocuments(byte[] bytes) throws Exception {
    ResourceBound.allocatingAtMost(
        FIXED_ALLOCATION + ALLOCATION_PER_BYTE * bytes.length,
        () -> {
          check(bytes);
          return null;
        });
  }

  private static void check(byte[] bytes) {
    Manifest any = parse(() -> Manifest.parse(bytes, null));
    if (any != null) {
      assertKeepsBytes(bytes, any);
    }
    ImageManifest manifest = parse(() -> ImageManifest.parse(bytes, MediaType.DOCKER_MANIFEST));
    if (manifest != null) {
      assertKeepsBytes(bytes, manifest);
      assertRoundTrips(
          manifest.withAnnotations(manifest.annotations()),
          m -> ImageManifest.parse(m.raw().toByteArray(), null),
          m -> m.withAnnotations(m.annotations()),
          ImageManifest::raw);
      manifest.blobs();
    }
    ImageIndex index = parse(() -> ImageIndex.parse(bytes, MediaType.OCI_INDEX));
    if (index != null) {
      assertKeepsBytes(bytes, index);
      assertRoundTrips(
          index.withAnnotations(index.annotations()),
          i -> ImageIndex.parse(i.raw().toByteArray(), null),
          i -> i.withAnnotations(i.annotations()),
          ImageIndex::raw);
      index.manifestFor(Platform.linuxAmd64());
      index.platforms().forEach(Platform::normalize);
    }
    ImageConfig config = parse(() -> ImageConfig.parse(bytes));
    if (config != null) {
      assertArrayEquals(bytes, config.raw().toByteArray());
      assertEquals(Digest.sha256(bytes), config.raw().digest());
      assertRoundTrips(
          config.toBuilder().build(),
          c -> ImageConfig.parse(c.raw().toByteArray()),
          c -> c.toBuilder().build(),
          ImageConfig::raw);
      config.platform();
      config.configOrEmpty().envValue("PATH");
    }
  }

  /** The parsed value, or null when the parser refused the bytes with its documented exception. */
  private static <T> T parse(java.util.function.Supplier<T> parser) {
    try {
      return parser.get();
    } catch (MalformedDocumentException e) {
      assertTrue(
          e.getMessage() != null && e.getMessage().length() <= MAX_MESSAGE,
          "a message of " + String.valueOf(e.getMessage()).length() + " characters");
      return null;
    }
  }

  private static void assertKeepsBytes(byte[] bytes, Manifest m) {
    assertArrayEquals(bytes, m.raw().toByteArray());
    assertEquals(Digest.sha256(bytes), m.digest());
    Descriptor d = m.descriptor();
    assertEquals(bytes.length, d.size());
    assertEquals(Digest.sha256(bytes), d.digest());
  }

  /**
   * {@code serialised} (a parsed value written again) parses back to a value that writes the same
   * bytes, so the same digest: serialising is deterministic and loses nothing the parser keeps.
   * (The values themselves may differ in form: {@code 2e0} is written as {@code 2}.)
   */
  private static <T> void assertRoundTrips(
      T serialised,
      Function<T, T> parseOwnBytes,
      Function<T, T> serialise,
      Function<T, JsonBytes> raw) {
    T parsed = parseOwnBytes.apply(serialised);
    assertEquals(
        raw.apply(serialised),
        raw.apply(serialise.apply(parsed)),
        "re-serialised, parsed, re-serialised");
  }
}
