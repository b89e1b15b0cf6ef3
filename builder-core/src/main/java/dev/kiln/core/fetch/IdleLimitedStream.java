package dev.kiln.core.fetch;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A download's body that fails with {@link DownloadStalled} when no byte arrives for the idle
 * limit. The JDK client's body stream blocks in {@code read} with no limit of its own, so a watch
 * on a shared daemon thread closes the stream under the blocked reader, which then reports the
 * stall rather than the end of data it sees.
 */
final class IdleLimitedStream extends FilterInputStream {
  private static final ScheduledExecutorService WATCH =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kiln-download-idle-watch");
            t.setDaemon(true);
            return t;
          });

  private final String shown;
  private final Duration limit;
  private final ScheduledFuture<?> watch;
  private volatile long lastProgress = System.nanoTime();
  private volatile boolean reading;
  private volatile boolean stalled;
  private long received;

  /** {@code in}, the body of {@code shown} (the URL as messages may show it). */
  IdleLimitedStream(InputStream in, String shown, Duration limit) {
    super(in);
    this.shown = shown;
    this.limit = limit;
    long period = Math.max(50, Math.min(1000, limit.toMillis() / 4));
    this.watch = WATCH.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
  }

  private void check() {
    // Only while a read waits: a reader that is slow to come back is no stalled server.
    if (reading && System.nanoTime() - lastProgress >= limit.toNanos()) {
      stalled = true;
      watch.cancel(false);
      try {
        in.close();
      } catch (IOException e) {
        // The blocked read ends either way; it reports the stall.
      }
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    lastProgress = System.nanoTime();
    reading = true;
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      throw stalled ? stall() : e;
    } finally {
      reading = false;
    }
    if (stalled) {
      throw stall();
    }
    if (n > 0) {
      received += n;
    }
    lastProgress = System.nanoTime();
    return n;
  }

  private DownloadStalled stall() {
    return new DownloadStalled(
        shown
            + ": the server sent nothing for "
            + limit.toSeconds()
            + " s after "
            + received
            + " bytes of the body",
        "run the build again; if it stalls again, check the server (or the proxy) that serves it");
  }

  @Override
  public void close() throws IOException {
    watch.cancel(false);
    super.close();
  }
}
