package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * One of the kiln processes racing in {@link ContentStoreConcurrencyIT}: waits for a start signal,
 * then writes blobs both processes share, blobs of its own, index tags and layer records.
 */
public final class StoreRaceMain {
  private StoreRaceMain() {}

  /** Arguments: store root, process name, rounds, start-signal file. */
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String name = args[1];
    int rounds = Integer.parseInt(args[2]);
    Path go = Path.of(args[3]);
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!Files.exists(go)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no start signal");
      }
      Thread.sleep(5);
    }
    ContentStore store = ContentStore.open(root);
    for (int i = 0; i < rounds; i++) {
      StoredBlob shared = store.blobWriter().write(sharedContent(i));
      StoredBlob own = store.blobWriter().write((name + "-" + i).getBytes(StandardCharsets.UTF_8));
      store
          .index()
          .tag(
              name + ":" + i,
              IndexEntry.of(
                  "application/vnd.oci.image.manifest.v1+json", own.digest(), own.size()));
      Digest diffId = Digest.sha256(("diff-" + i).getBytes(StandardCharsets.UTF_8));
      store
          .layerRecords()
          .put(
              new LayerRecord(
                  diffId, "gzip", shared.digest(), shared.size(), "application/x-test", 1));
    }
  }

  /** Content both processes write in round {@code i}: big enough that writes overlap. */
  static byte[] sharedContent(int i) {
    byte[] bytes = new byte[256 * 1024];
    new Random(i).nextBytes(bytes);
    return bytes;
  }
}
