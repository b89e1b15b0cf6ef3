package dev.kiln.core.layer;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * The uncompressed tar of a base layer blob, hashed as it is read, so that what a reader makes from
 * it (an unpacked directory, an index, package facts) is kept under the diffID the image config
 * claims only when the bytes have that diffID: the store is addressed by diffID, so one record made
 * from a forged layer would stand in for the real one in every later build. Skipped bytes are read
 * and hashed too (decompression produces them anyway); {@link #verify} reads what is left after the
 * tar's end and compares, and must come before the reader publishes anything.
 */
public final class VerifiedTar extends InputStream {
  private final InputStream tar;
  private final String image;
  private final Digest blob;
  private final Digest claimed;
  private final MessageDigest hash = Digest.newSha256();
  private final byte[] skipBuffer = new byte[64 * 1024];
  private long count;

  private VerifiedTar(InputStream tar, String image, Digest blob, Digest claimed) {
    this.tar = tar;
    this.image = image;
    this.blob = blob;
    this.claimed = claimed;
  }

  /**
   * The uncompressed tar of {@code blobStream} (any compression), which it owns and closes.
   *
   * @param image the image the layer belongs to, for the error ("" when unknown)
   * @param blob the blob's digest
   * @param claimed the diffID the image config lists for the blob
   */
  public static VerifiedTar open(InputStream blobStream, String image, Digest blob, Digest claimed)
      throws IOException {
    return new VerifiedTar(LayerReader.uncompressed(blobStream), image, blob, claimed);
  }

  @Override
  public int read() throws IOException {
    int b = tar.read();
    if (b >= 0) {
      hash.update((byte) b);
      count++;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = tar.read(b, off, len);
    if (n > 0) {
      hash.update(b, off, n);
      count += n;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = 0;
    while (skipped < n) {
      int r = read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  @Override
  public int available() throws IOException {
    return tar.available();
  }

  /** How many uncompressed bytes were read so far. */
  public long count() {
    return count;
  }

  /**
   * Reads the rest of the tar (the padding after its end marker is part of the diffID) and checks
   * the whole against the claimed diffID.
   *
   * @throws DiffIdMismatchException if the bytes hash to something else
   */
  public void verify() throws IOException {
    while (read(skipBuffer, 0, skipBuffer.length) >= 0) {
      // hashed by read
    }
    Digest actual = Digest.ofSha256(hash.digest());
    if (!actual.equals(claimed)) {
      throw new DiffIdMismatchException(image, blob, claimed, actual);
    }
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
