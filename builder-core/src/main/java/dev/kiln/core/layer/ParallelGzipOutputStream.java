package dev.kiln.core.layer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A gzip stream compressed on several cores, whose bytes do not depend on the number of threads.
 *
 * <p>Why not {@link java.util.zip.GZIPOutputStream} or commons-compress's gzip stream: both deflate
 * on the calling thread only, and the JDK's header changed between releases (its OS byte). Here the
 * input is cut into fixed {@value #BLOCK_SIZE}-byte blocks, as pigz does. Each block is deflated on
 * its own, primed with the last {@value #DICTIONARY_SIZE} bytes of the block before it (so matches
 * still reach back across the cut) and ended with a sync flush so that the pieces join on a byte
 * boundary; the last block finishes the deflate stream. A block's bytes are a function of its
 * input, its dictionary and the level only, so one thread and many produce the same file. The CRC
 * is computed in order on the writing thread.
 *
 * <p>A block whose first {@value #PROBE_SIZE} bytes deflate to nearly their own size at level 1
 * (random or already-compressed data: a jar, a tarball, a JPEG) is written as deflate "stored"
 * blocks instead, as zstd does with incompressible input: level 6 would spend most of its time on
 * it and save under {@value #PROBE_SAVING_PERCENT} %. The test and the stored bytes depend on the
 * block alone, so the output is still the same for any number of threads. Stored blocks are written
 * here rather than with a level-0 {@link Deflater} because a pooled Deflater that changes level
 * between blocks would make each block's bytes depend on zlib's parameter-switching rules.
 *
 * <p>The result is one gzip member with a fixed header: no file name, mtime 0, no extra flags, OS
 * 255 ("unknown"). At most two blocks per thread are in flight, so memory does not grow with the
 * layer. The deflate bytes still depend on the zlib the JDK uses; the content store's layer records
 * absorb that difference between hosts.
 */
final class ParallelGzipOutputStream extends OutputStream {
  static final int BLOCK_SIZE = 128 * 1024;
  static final int DICTIONARY_SIZE = 32 * 1024;
  static final int PROBE_SIZE = 16 * 1024;
  static final int PROBE_SAVING_PERCENT = 2;
  private static final int MAX_STORED = 65535;
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final AtomicInteger POOL_NUMBER = new AtomicInteger();

  private final OutputStream out;
  private final ExecutorService pool;
  private final int maxInFlight;
  private final ArrayDeque<Future<byte[]>> inFlight = new ArrayDeque<>();
  private final BlockingQueue<Deflater> deflaters;
  private final BlockingQueue<Deflater> probes;
  private final CRC32 crc = new CRC32();
  private long total;
  private byte[] block = new byte[BLOCK_SIZE];
  private int filled;
  private byte[] dictionary;
  private boolean closed;

  /**
   * @param out where the gzip bytes go (not closed by {@link #close()})
   * @param level deflate level 0-9 (0: stored blocks, no compression, as gzip -0)
   * @param threads compressing threads; 1 compresses on the calling thread
   */
  ParallelGzipOutputStream(OutputStream out, int level, int threads) throws IOException {
    if (level < 0 || level > 9) {
      throw new IllegalArgumentException("gzip level must be 0-9, not " + level);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }
    this.out = out;
    this.deflaters = new ArrayBlockingQueue<>(threads);
    this.probes = new ArrayBlockingQueue<>(threads);
    for (int i = 0; i < threads; i++) {
      deflaters.add(new Deflater(level, true));
      probes.add(new Deflater(1, true));
    }
    if (threads == 1) {
      this.pool = null;
      this.maxInFlight = 0;
    } else {
      int poolNumber = POOL_NUMBER.incrementAndGet();
      AtomicInteger threadNumber = new AtomicInteger();
      this.pool =
          Executors.newFixedThreadPool(
              threads,
              r -> {
                Thread t =
                    new Thread(r, "kiln-gzip-" + poolNumber + "-" + threadNumber.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      this.maxInFlight = 2 * threads;
    }
    out.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("gzip stream is closed");
    }
    crc.update(b, off, len);
    total += len;
    while (len > 0) {
      int n = Math.min(len, BLOCK_SIZE - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == BLOCK_SIZE) {
        submit(false);
      }
    }
  }

  private void submit(boolean last) throws IOException {
    byte[] data = block;
    int length = filled;
    byte[] dict = dictionary;
    if (!last) {
      dictionary = Arrays.copyOfRange(data, length - DICTIONARY_SIZE, length);
      block = new byte[BLOCK_SIZE];
      filled = 0;
    }
    Callable<byte[]> task = () -> deflate(data, length, dict, last);
    if (pool == null) {
      out.write(call(task));
      return;
    }
    inFlight.add(pool.submit(task));
    while (inFlight.size() > maxInFlight) {
      out.write(await(inFlight.removeFirst()));
    }
  }

  private byte[] deflate(byte[] data, int length, byte[] dict, boolean last)
      throws InterruptedException {
    if (length >= PROBE_SIZE && isIncompressible(data)) {
      return stored(data, length, last);
    }
    Deflater deflater = deflaters.take();
    try {
      deflater.reset();
      if (dict != null) {
        deflater.setDictionary(dict);
      }
      deflater.setInput(data, 0, length);
      byte[] buffer = new byte[length / 2 + 1024];
      int used = 0;
      if (last) {
        deflater.finish();
        while (!deflater.finished()) {
          if (used == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
          }
          used += deflater.deflate(buffer, used, buffer.length - used);
        }
      } else {
        while (true) {
          if (used == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
          }
          int space = buffer.length - used;
          int n = deflater.deflate(buffer, used, space, Deflater.SYNC_FLUSH);
          used += n;
          // A sync flush is complete once it no longer fills the space it was given.
          if (n < space) {
            break;
          }
        }
      }
      return Arrays.copyOf(buffer, used);
    } finally {
      deflaters.add(deflater);
    }
  }

  /** Whether the block's first {@value #PROBE_SIZE} bytes barely shrink at level 1. */
  private boolean isIncompressible(byte[] data) throws InterruptedException {
    Deflater probe = probes.take();
    try {
      probe.reset();
      probe.setInput(data, 0, PROBE_SIZE);
      probe.finish();
      byte[] buffer = new byte[PROBE_SIZE + 1024];
      int used = 0;
      while (!probe.finished() && used < buffer.length) {
        used += probe.deflate(buffer, used, buffer.length - used);
      }
      return used * 100L >= PROBE_SIZE * (100L - PROBE_SAVING_PERCENT);
    } finally {
      probes.add(probe);
    }
  }

  /**
   * The block as deflate stored blocks (RFC 1951 3.2.4): a byte with BFINAL and type 00, then LEN
   * and its complement, little-endian, then the bytes. Every piece before starts on a byte boundary
   * (a sync flush ends on one), so the three header bits and their padding make one whole byte.
   */
  private static byte[] stored(byte[] data, int length, boolean last) {
    int pieces = Math.max(1, (length + MAX_STORED - 1) / MAX_STORED);
    byte[] out = new byte[length + 5 * pieces];
    int at = 0;
    for (int start = 0, piece = 0; piece < pieces; piece++) {
      int n = Math.min(MAX_STORED, length - start);
      boolean finalPiece = last && piece == pieces - 1;
      out[at++] = (byte) (finalPiece ? 1 : 0);
      out[at++] = (byte) n;
      out[at++] = (byte) (n >>> 8);
      out[at++] = (byte) ~n;
      out[at++] = (byte) (~n >>> 8);
      System.arraycopy(data, start, out, at, n);
      at += n;
      start += n;
    }
    return out;
  }

  private static byte[] call(Callable<byte[]> task) throws IOException {
    try {
      return task.call();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static byte[] await(Future<byte[]> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while compressing");
    } catch (ExecutionException e) {
      throw new IOException("gzip compression failed: " + e.getCause(), e.getCause());
    }
  }

  /**
   * Compresses what is left, writes the gzip trailer and frees the threads; {@code out} stays open.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      submit(true);
      while (!inFlight.isEmpty()) {
        out.write(await(inFlight.removeFirst()));
      }
      byte[] trailer = new byte[8];
      int crcValue = (int) crc.getValue();
      int size = (int) total; // ISIZE is the length modulo 2^32
      for (int i = 0; i < 4; i++) {
        trailer[i] = (byte) (crcValue >>> (8 * i));
        trailer[4 + i] = (byte) (size >>> (8 * i));
      }
      out.write(trailer);
      out.flush();
    } finally {
      release();
    }
  }

  /** Stops compressing without writing anything more (the output is being thrown away). */
  void abort() {
    if (!closed) {
      closed = true;
      release();
    }
  }

  // Deflaters hold native memory; one still in a cancelled task is freed by its cleaner instead.
  private void release() {
    inFlight.forEach(f -> f.cancel(true));
    inFlight.clear();
    if (pool != null) {
      pool.shutdownNow();
    }
    Deflater d;
    while ((d = deflaters.poll()) != null) {
      d.end();
    }
    while ((d = probes.poll()) != null) {
      d.end();
    }
  }
}
