package dev.kiln.cache.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A filter that must see every byte of its stream, because it hashes, counts or stores them: a skip
 * reads the skipped bytes through {@link #read(byte[], int, int)}, and there is no mark, since a
 * reset would make it see bytes twice. Subclasses override the reads.
 */
public abstract class ObservedInputStream extends FilterInputStream {
  private final int skipBuffer;

  /** {@code skipBuffer}: the most bytes one read of a skip asks for. */
  protected ObservedInputStream(InputStream in, int skipBuffer) {
    super(in);
    this.skipBuffer = skipBuffer;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] scratch = new byte[(int) Math.max(0, Math.min(n, skipBuffer))];
    long skipped = 0;
    while (skipped < n) {
      int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readLimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset is not supported while " + observing());
  }

  /** What the stream is doing with its bytes, for the reset error ("verifying sha256:…"). */
  protected abstract String observing();
}
