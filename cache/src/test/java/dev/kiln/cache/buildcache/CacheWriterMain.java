package dev.kiln.cache.buildcache;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.PendingBlob;
import dev.kiln.cache.store.StoredBlob;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * A build's writes, as a separate process for {@link PruneUnderConcurrentBuildIT} and {@link
 * KilledBuildIT}: each round writes a layer whose bytes may already be in the store (old and
 * unreferenced), writes a fresh one, records a cache entry for both and looks it up again.
 *
 * <p>Arguments: store root, rounds (0 = until killed), chunk pause in ms (slows each fresh layer so
 * that a kill lands mid-write). Prints {@code writing N} before each fresh layer and {@code stored
 * N} after each entry, flushing each line.
 */
public final class CacheWriterMain {
  private CacheWriterMain() {}

  public static void main(String[] args) throws Exception {
    ContentStore store = ContentStore.open(Path.of(args[0]));
    int rounds = Integer.parseInt(args[1]);
    long pause = Long.parseLong(args[2]);
    BuildCache cache = BuildCache.open(store);
    for (int i = 0; rounds == 0 || i < rounds; i++) {
      StoredBlob reused = store.blobWriter().write(reusedContent(i));
      System.out.println("writing " + i);
      System.out.flush();
      StoredBlob fresh = writeSlowly(store, i, pause);
      CacheKey key = key(i);
      cache.store(key, result(i, reused, fresh));
      CacheDecision d = cache.check(key);
      if (!d.isHit()) {
        throw new IllegalStateException("entry " + i + " missed right after storing: " + d);
      }
      System.out.println("stored " + i);
      System.out.flush();
    }
  }

  /** Content that the test may have put in the store beforehand as old, unreferenced blobs. */
  static byte[] reusedContent(int i) {
    return ("reused layer " + i + " ").repeat(500).getBytes(StandardCharsets.UTF_8);
  }

  static CacheKey key(int i) {
    return new CacheKey(Digest.sha256(("step " + i).getBytes(StandardCharsets.UTF_8)));
  }

  private static StoredBlob writeSlowly(ContentStore store, int i, long pause)
      throws IOException, InterruptedException {
    Random random = new Random(i);
    byte[] chunk = new byte[64 * 1024];
    try (PendingBlob blob = store.blobWriter().begin()) {
      for (int c = 0; c < 16; c++) {
        random.nextBytes(chunk);
        blob.write(chunk);
        if (pause > 0) {
          Thread.sleep(pause);
        }
      }
      return blob.commit();
    }
  }

  private static CacheResult result(int i, StoredBlob a, StoredBlob b) {
    return TestResults.result(
        "RUN step " + i,
        new CachedLayer(
            Descriptor.of(MediaType.OCI_LAYER_GZIP, a.digest(), a.size()), a.digest(), a.size()),
        new CachedLayer(
            Descriptor.of(MediaType.OCI_LAYER_GZIP, b.digest(), b.size()), b.digest(), b.size()));
  }
}
