package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class LayerOptionsTest {
  @Test
  void aLevelOtherThanTheDefaultIsPartOfTheRecordName() {
    LayerOptions gzip = LayerOptions.defaults();
    assertEquals("gzip", gzip.recordName());
    assertEquals("gzip", gzip.withLevel(6).recordName());
    assertEquals("gzip-9", gzip.withLevel(9).recordName());
    assertEquals("zstd", gzip.withCompression(Compression.ZSTD).recordName());
    assertEquals("zstd-19", gzip.withCompression(Compression.ZSTD).withLevel(19).recordName());
    assertEquals("uncompressed", gzip.withCompression(Compression.NONE).recordName());
  }

  @Test
  void bothCodecsTakeBuildxsWholeRangeOfLevels() {
    LayerOptions zstd = LayerOptions.defaults().withCompression(Compression.ZSTD);
    assertEquals(22, zstd.withLevel(22).level());
    assertEquals(0, zstd.withLevel(0).level());
    assertThrows(IllegalArgumentException.class, () -> zstd.withLevel(23));
    assertEquals(0, LayerOptions.defaults().withLevel(0).level());
    assertThrows(IllegalArgumentException.class, () -> LayerOptions.defaults().withLevel(10));
  }

  @Test
  void gzipLevelZeroStoresTheTarAsGzipDoes() throws Exception {
    byte[] text = "the same line again\n".repeat(5_000).getBytes(StandardCharsets.UTF_8);
    List<LayerEntry> entries = List.of(LayerEntry.regularFile("big.txt", 0644, 0, 0, 0, text));
    ByteArrayOutputStream stored = new ByteArrayOutputStream();
    LayerWriter.writeTo(stored, entries, LayerOptions.defaults().withLevel(0).withThreads(2));
    ByteArrayOutputStream six = new ByteArrayOutputStream();
    LayerWriter.writeTo(six, entries, LayerOptions.defaults());
    assertTrue(stored.size() > text.length, "level 0 does not compress: " + stored.size());
    assertTrue(six.size() < text.length / 10, "level 6 does: " + six.size());
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(stored.toByteArray()))) {
      assertTrue(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains("again"));
    }
  }
}
