package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Marks blobs as in use so that a concurrent prune keeps them.
 *
 * <p>Prune deletes an unreferenced blob only when it is older than a grace period, judged by its
 * modification time. A build that decides to reuse a blob already in the store (a cache hit, a
 * recorded compressed layer) therefore sets that time to now, under the GC lock: a prune either
 * finished before (and the blob is gone, which the build sees as a miss) or starts after (and sees
 * a young blob). Touching the time does not change the content, so the digest name stays true.
 */
final class BlobRetention {
  private BlobRetention() {}

  /** Retains the present blobs among {@code digests}; returns the ones that are missing. */
  static List<Digest> retain(StorePaths paths, Collection<Digest> digests) throws IOException {
    List<Digest> missing = new ArrayList<>();
    FileTime now = FileTime.from(Instant.now());
    try (StoreLock lock = StoreLock.acquire(paths.gcLockFile())) {
      for (Digest digest : digests) {
        try {
          Files.setLastModifiedTime(paths.blob(digest), now);
        } catch (NoSuchFileException e) {
          missing.add(digest);
        }
      }
    }
    return missing;
  }
}
