package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.registry.model.Compression;
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
  void zstdTakesBuildxsWholeRangeOfLevels() {
    LayerOptions zstd = LayerOptions.defaults().withCompression(Compression.ZSTD);
    assertEquals(22, zstd.withLevel(22).level());
    assertThrows(IllegalArgumentException.class, () -> zstd.withLevel(23));
  }
}
