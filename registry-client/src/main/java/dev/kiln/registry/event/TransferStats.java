package dev.kiln.registry.event;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Counts what a client did, from its events: HTTP requests (in total and by method), blob pushes by
 * outcome, and bytes moved. The benchmark reads it to check, for example, that pushing an unchanged
 * image takes at most three requests and uploads nothing.
 *
 * <p>Thread-safe. {@link #snapshot()} gives an immutable view; subtract two snapshots with {@link
 * Snapshot#minus} to count one operation.
 */
public final class TransferStats implements Consumer<RegistryEvent> {
  private final Map<String, LongAdder> requestsByMethod = new ConcurrentHashMap<>();
  private final LongAdder blobsUploaded = new LongAdder();
  private final LongAdder blobsMounted = new LongAdder();
  private final LongAdder blobsExisting = new LongAdder();
  private final LongAdder blobsDownloaded = new LongAdder();
  private final LongAdder bytesUploaded = new LongAdder();
  private final LongAdder bytesDownloaded = new LongAdder();
  private final LongAdder retries = new LongAdder();

  @Override
  public void accept(RegistryEvent event) {
    if (event instanceof RegistryEvent.RequestCompleted r) {
      requestsByMethod.computeIfAbsent(r.method(), m -> new LongAdder()).increment();
    } else if (event instanceof RegistryEvent.RequestRetried) {
      retries.increment();
    } else if (event instanceof RegistryEvent.BlobPushed p) {
      switch (p.outcome()) {
        case UPLOADED -> {
          blobsUploaded.increment();
          bytesUploaded.add(p.size());
        }
        case MOUNTED -> blobsMounted.increment();
        case EXISTED -> blobsExisting.increment();
      }
    } else if (event instanceof RegistryEvent.BlobDownloaded d) {
      blobsDownloaded.increment();
      bytesDownloaded.add(d.size());
    }
  }

  /** The counts so far. */
  public Snapshot snapshot() {
    Map<String, Long> byMethod = new TreeMap<>();
    requestsByMethod.forEach((m, n) -> byMethod.put(m, n.sum()));
    return new Snapshot(
        Map.copyOf(byMethod),
        blobsUploaded.sum(),
        blobsMounted.sum(),
        blobsExisting.sum(),
        blobsDownloaded.sum(),
        bytesUploaded.sum(),
        bytesDownloaded.sum(),
        retries.sum());
  }

  /** Counts at one moment. */
  public record Snapshot(
      Map<String, Long> requestsByMethod,
      long blobsUploaded,
      long blobsMounted,
      long blobsExisting,
      long blobsDownloaded,
      long bytesUploaded,
      long bytesDownloaded,
      long retries) {

    /** All HTTP requests, any method (token requests and pings included). */
    public long requests() {
      return requestsByMethod.values().stream().mapToLong(Long::longValue).sum();
    }

    public long requests(String method) {
      return requestsByMethod.getOrDefault(method, 0L);
    }

    /** What happened between {@code earlier} and this snapshot. */
    public Snapshot minus(Snapshot earlier) {
      Map<String, Long> byMethod = new TreeMap<>(requestsByMethod);
      earlier.requestsByMethod.forEach((m, n) -> byMethod.merge(m, -n, Long::sum));
      byMethod.values().removeIf(n -> n == 0);
      return new Snapshot(
          Map.copyOf(byMethod),
          blobsUploaded - earlier.blobsUploaded,
          blobsMounted - earlier.blobsMounted,
          blobsExisting - earlier.blobsExisting,
          blobsDownloaded - earlier.blobsDownloaded,
          bytesUploaded - earlier.bytesUploaded,
          bytesDownloaded - earlier.bytesDownloaded,
          retries - earlier.retries);
    }
  }
}
