package dev.kiln.cache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
  @TempDir Path dir;

  @Test
  void reopeningKeepsBlobsAndIndex() throws IOException {
    ContentStore store = ContentStore.open(dir.resolve("store"));
    var blob = store.blobWriter().write(new byte[] {1, 2, 3});
    store
        .index()
        .tag("t", IndexEntry.of("application/vnd.oci.image.manifest.v1+json", blob.digest(), 3));

    ContentStore again = ContentStore.open(dir.resolve("store"));
    assertTrue(again.blobReader().contains(blob.digest()));
    assertEquals(blob.digest(), again.index().find("t").get().digest());
  }

  @Test
  void refusesAFileOrAnotherLayoutVersion() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertThrows(IOException.class, () -> ContentStore.open(file));

    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve("oci-layout"), "{\"imageLayoutVersion\":\"9.9\"}");
    var e = assertThrows(IOException.class, () -> ContentStore.open(other));
    assertTrue(e.getMessage().contains("--cache-dir"), e.getMessage());
  }
}
