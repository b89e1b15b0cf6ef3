package dev.kiln.core.image;

import dev.kiln.cache.store.BlobVerificationException;
import dev.kiln.cache.store.ObservedInputStream;
import dev.kiln.cache.store.PendingBlob;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * A blob read from its origin while being written into the store: the reader gets the bytes as they
 * arrive, and the store gets them too, so the blob crosses the network and is read once. On close
 * whatever the reader left is read into the store, and the blob is committed, checked against its
 * descriptor: a blob whose bytes do not match fails at close, so whoever used them (an index, an
 * unpacked directory) publishes nothing, as it would with a damaged stored blob. A failed read
 * leaves nothing in the store.
 */
final class StoringBlobStream extends ObservedInputStream {
  private final PendingBlob pending;
  private final Descriptor descriptor;
  private final BlobSource source;
  private boolean failed;
  private boolean closed;

  /**
   * @param source where {@code origin} comes from, which names a mismatch ({@link
   *     BlobSource#wrongBytes})
   */
  StoringBlobStream(
      InputStream origin, PendingBlob pending, Descriptor descriptor, BlobSource source) {
    super(origin, 64 * 1024);
    this.pending = pending;
    this.descriptor = descriptor;
    this.source = source;
  }

  @Override
  public int read() throws IOException {
    try {
      int b = in.read();
      if (b >= 0) {
        pending.write(b);
      }
      return b;
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      int n = in.read(b, off, len);
      if (n > 0) {
        pending.write(b, off, n);
      }
      return n;
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  protected String observing() {
    return "storing a blob as it downloads";
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (InputStream origin = in;
        PendingBlob blob = pending) {
      if (failed) {
        return;
      }
      byte[] rest = new byte[64 * 1024];
      for (int n = origin.read(rest); n >= 0; n = origin.read(rest)) {
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("interrupted while storing " + descriptor.digest());
        }
        blob.write(rest, 0, n);
      }
      try {
        blob.commit(descriptor.digest(), descriptor.size());
      } catch (BlobVerificationException e) {
        throw source.wrongBytes(descriptor, e);
      }
    }
  }
}
