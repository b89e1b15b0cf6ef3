package dev.kiln.registry.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompressionTest {
  @Test
  void labelsAreBuildxsNamesAndReadBackIgnoringCase() {
    assertEquals("uncompressed", Compression.NONE.label());
    assertEquals("gzip", Compression.GZIP.label());
    assertEquals("zstd", Compression.ZSTD.label());
    for (Compression c : Compression.values()) {
      assertEquals(Optional.of(c), Compression.ofLabel(c.label().toUpperCase()));
    }
    assertEquals(Optional.empty(), Compression.ofLabel("none"));
    assertEquals(Optional.empty(), Compression.ofLabel("estargz"));
  }

  @Test
  void eachNamesItsOciLayerMediaType() {
    assertEquals(MediaType.OCI_LAYER, Compression.NONE.mediaType());
    assertEquals(MediaType.OCI_LAYER_GZIP, Compression.GZIP.mediaType());
    assertEquals(MediaType.OCI_LAYER_ZSTD, Compression.ZSTD.mediaType());
    for (Compression c : Compression.values()) {
      assertEquals(c == Compression.GZIP, MediaType.isGzipLayer(c.mediaType()), c.name());
      assertEquals(c == Compression.ZSTD, MediaType.isZstdLayer(c.mediaType()), c.name());
      assertEquals(c == Compression.NONE, MediaType.isUncompressedLayer(c.mediaType()), c.name());
    }
  }

  @Test
  void aStreamIsRecognisedByItsFirstBytes() {
    assertEquals(Compression.GZIP, Compression.detect(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 4));
    assertEquals(
        Compression.ZSTD, Compression.detect(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}, 4));
    assertEquals(Compression.NONE, Compression.detect("bin/".getBytes(), 4));
    assertEquals(Compression.NONE, Compression.detect(new byte[] {0x28, (byte) 0xb5, 0, 0}, 2));
    assertEquals(Compression.NONE, Compression.detect(new byte[0], 0));
  }
}
