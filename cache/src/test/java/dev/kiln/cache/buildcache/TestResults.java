package dev.kiln.cache.buildcache;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.StoredBlob;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Results whose layer blobs really are in a store. */
final class TestResults {
  private TestResults() {}

  /** A layer of {@code size} pseudo-random bytes (seeded), written to {@code store}. */
  static CachedLayer layer(ContentStore store, long seed, int size) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    StoredBlob blob = store.blobWriter().write(bytes);
    Digest diffId = Digest.sha256(("diff-" + seed).getBytes(StandardCharsets.UTF_8));
    return new CachedLayer(
        Descriptor.of(MediaType.OCI_LAYER_GZIP, blob.digest(), blob.size()), diffId, size * 2L);
  }

  static CacheResult result(String createdBy, CachedLayer... layers) {
    return new CacheResult(
        List.of(layers),
        History.of("2026-01-01T00:00:00Z", createdBy, layers.length == 0),
        ("{\"config\":{\"Cmd\":[\"" + createdBy + "\"]}}").getBytes(StandardCharsets.UTF_8));
  }

  static CacheKey key(String name) {
    return new CacheKey(Digest.sha256(name.getBytes(StandardCharsets.UTF_8)));
  }

  /** Sets a blob's modification time, as if it had been written at {@code when}. */
  static void age(ContentStore store, Digest blob, Instant when) throws IOException {
    Files.setLastModifiedTime(store.paths().blob(blob), FileTime.from(when));
  }
}
