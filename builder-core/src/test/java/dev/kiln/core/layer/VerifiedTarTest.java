package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Digest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The diffID check of a base layer: the whole uncompressed stream counts, bytes a reader skips and
 * bytes after the tar's end marker included, whatever the compression.
 */
class VerifiedTarTest {
  private static final Digest BLOB = Digest.sha256("the blob".getBytes(StandardCharsets.UTF_8));

  private static byte[] tar() {
    return new RawTar()
        .file("etc/motd", "hello\n".getBytes(StandardCharsets.UTF_8))
        .file("big", new byte[100_000])
        .end();
  }

  @Test
  void aReaderThatSkipsFileContentsStillChecksTheWholeLayer() throws Exception {
    byte[] tar = tar();
    try (VerifiedTar in =
            VerifiedTar.open(
                new ByteArrayInputStream(RawTar.gzip(tar)), "img", BLOB, Digest.sha256(tar));
        LayerReader reader = LayerReader.ofTar(in)) {
      while (reader.next().isPresent()) {
        // contents are skipped by the tar reader
      }
      in.verify();
      assertEquals(tar.length, in.count());
    }
  }

  @Test
  void bytesAfterTheEndMarkerArePartOfTheDiffId() throws Exception {
    byte[] tar = tar();
    byte[] padded = Arrays.copyOf(tar, tar.length + 10240);
    padded[padded.length - 1] = 1; // a forger's bytes where readers stop looking
    try (VerifiedTar in =
            VerifiedTar.open(new ByteArrayInputStream(padded), "img", BLOB, Digest.sha256(tar));
        LayerReader reader = LayerReader.ofTar(in)) {
      while (reader.next().isPresent()) {
        // read the entries only
      }
      DiffIdMismatchException e = assertThrows(DiffIdMismatchException.class, in::verify);
      assertEquals(Digest.sha256(padded), e.actual());
      assertEquals(Digest.sha256(tar), e.claimed());
      assertTrue(e.getMessage().startsWith("image img: layer " + BLOB), e.getMessage());
      assertTrue(e.getMessage().contains("uncompresses to " + Digest.sha256(padded)));
      assertTrue(e.getMessage().contains("lists its diffID as " + Digest.sha256(tar)));
    }
  }

  @Test
  void theDigestOfTheCompressedBlobIsNotTheDiffId() throws Exception {
    byte[] gz = RawTar.gzip(tar());
    try (VerifiedTar in =
        VerifiedTar.open(new ByteArrayInputStream(gz), "", BLOB, Digest.sha256(gz))) {
      DiffIdMismatchException e = assertThrows(DiffIdMismatchException.class, in::verify);
      assertTrue(e.getMessage().startsWith("layer " + BLOB), e.getMessage());
    }
  }
}
