package dev.kiln.cache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerRecordsTest {
  private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  @TempDir Path root;

  @Test
  void recordIsFoundPerCompressionKindWhileItsBlobIsStored() throws Exception {
    ContentStore store = ContentStore.open(root);
    StoredBlob blob = store.blobWriter().write("compressed".getBytes(StandardCharsets.UTF_8));
    Digest diffId = Digest.sha256("tar".getBytes(StandardCharsets.UTF_8));
    LayerRecord record = new LayerRecord(diffId, "gzip", blob.digest(), blob.size(), GZIP, 3);

    store.layerRecords().put(record);

    assertEquals(Optional.of(record), store.layerRecords().find(diffId, "gzip"));
    assertEquals(Optional.empty(), store.layerRecords().find(diffId, "zstd"));
    assertEquals(Optional.of(record), ContentStore.open(root).layerRecords().find(diffId, "gzip"));

    Files.delete(store.paths().blob(blob.digest()));
    assertEquals(Optional.empty(), store.layerRecords().find(diffId, "gzip"));
  }

  @Test
  void recordForAMissingBlobOrWrongSizeIsRefused() throws Exception {
    ContentStore store = ContentStore.open(root);
    Digest diffId = Digest.sha256(new byte[] {1});
    Digest absent = Digest.sha256(new byte[] {2});
    assertThrows(
        BlobNotFoundException.class,
        () -> store.layerRecords().put(new LayerRecord(diffId, "gzip", absent, 1, GZIP, 1)));
    StoredBlob blob = store.blobWriter().write(new byte[] {3, 4});
    assertThrows(
        IllegalArgumentException.class,
        () -> store.layerRecords().put(new LayerRecord(diffId, "gzip", blob.digest(), 5, GZIP, 1)));
  }

  @Test
  void damagedRecordIsAMissNotAFailure() throws Exception {
    ContentStore store = ContentStore.open(root);
    Digest diffId = Digest.sha256(new byte[] {1});
    Path file = store.paths().layerRecord("gzip", diffId);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{not json");
    assertEquals(Optional.empty(), store.layerRecords().find(diffId, "gzip"));
  }
}
