package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.LayerRecord;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code force-compression} of a base layer: the recompressed blob is recorded under the diffID the
 * config claims, so a blob whose bytes have another diffID must leave neither a record nor a blob.
 */
class LayerRecompressorTest {
  @TempDir Path root;

  @Test
  void aBlobThatIsNotItsClaimedDiffIdLeavesNothingInTheStore() throws Exception {
    ContentStore store = ContentStore.open(root);
    byte[] tar = new RawTar().file("etc/motd", bytes("forged\n")).end();
    byte[] honest = new RawTar().file("etc/motd", bytes("honest\n")).end();
    Descriptor blob = gzipBlob(store, tar);
    Digest claimed = Digest.sha256(honest);
    LayerRecompressor zstd =
        new LayerRecompressor(store, LayerOptions.defaults().withCompression(Compression.ZSTD));
    List<Path> before = blobs();

    DiffIdMismatchException e =
        assertThrows(
            DiffIdMismatchException.class,
            () -> zstd.convert(blob, claimed, d -> store.blobReader().openVerified(d.digest())));
    assertEquals(blob.digest(), e.blob());
    assertEquals(claimed, e.claimed());
    assertEquals(Digest.sha256(tar), e.actual());
    assertTrue(zstd.recorded(claimed).isEmpty(), "no record under the claimed diffID");
    assertEquals(before, blobs(), "no recompressed blob left in the store");

    // The same blob under its own diffID is recompressed and recorded.
    LayerRecord record =
        zstd.convert(blob, Digest.sha256(tar), d -> store.blobReader().openVerified(d.digest()));
    assertEquals(Digest.sha256(tar), record.diffId());
    assertEquals(record, zstd.recorded(Digest.sha256(tar)).orElseThrow());
  }

  private Descriptor gzipBlob(ContentStore store, byte[] tar) throws Exception {
    byte[] gz = RawTar.gzip(tar);
    store.blobWriter().write(gz);
    return Descriptor.of(
        "application/vnd.oci.image.layer.v1.tar+gzip", Digest.sha256(gz), gz.length);
  }

  private List<Path> blobs() throws Exception {
    try (Stream<Path> files = Files.walk(root.resolve("blobs"))) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
