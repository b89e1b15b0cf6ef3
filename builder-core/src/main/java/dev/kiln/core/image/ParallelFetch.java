package dev.kiln.core.image;

import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fetches an image's blobs into local files ({@link BlobSource#fetchedFile}) a few at a time before
 * an output writes them one by one: one download keeps neither the network nor a core busy (it
 * waits for packets, then hashes and writes), so several run side by side, as {@code skopeo copy}
 * does. Blobs that are local already cost a look-up each.
 */
public final class ParallelFetch {
  /** Downloads at once: what the registry client's connection pool and uploads use too. */
  static final int PARALLEL = 4;

  private ParallelFetch() {}

  /**
   * Fetches each of {@code blobs} that {@code source} can keep as a file, waiting for all. If any
   * fails, the others still finish, then the first failure is thrown with the rest suppressed.
   */
  public static void fetchAll(BlobSource source, List<Descriptor> blobs) throws IOException {
    Map<String, Descriptor> distinct = new LinkedHashMap<>();
    for (Descriptor d : blobs) {
      distinct.putIfAbsent(d.digest().toString(), d);
    }
    if (distinct.size() < 2) {
      return; // nothing to overlap: the output fetches a single blob itself
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(PARALLEL, distinct.size()),
            r -> {
              Thread t = new Thread(r, "kiln-blob-fetch");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Descriptor d : distinct.values()) {
        futures.add(pool.submit(() -> source.fetchedFile(d)));
      }
      IOException failure = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (InterruptedException e) {
          futures.forEach(g -> g.cancel(true));
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while fetching blobs");
        } catch (ExecutionException e) {
          IOException cause =
              e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        }
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
