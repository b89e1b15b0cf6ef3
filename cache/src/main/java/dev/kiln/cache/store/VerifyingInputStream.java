package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes bytes through while hashing them, and fails the read that reaches the end of the stream if
 * the content does not have the expected digest and size.
 *
 * <p>A caller therefore sees a {@link BlobVerificationException} instead of end-of-stream when the
 * content is wrong, and must not trust what it has read until then. Reading more bytes than the
 * expected size fails at once, so a hostile source cannot make us hash an endless stream. Skipping
 * reads and hashes the skipped bytes; mark/reset is not supported.
 */
public final class VerifyingInputStream extends ObservedInputStream {
  /** Pass as the expected size when it is not known. */
  public static final long UNKNOWN_SIZE = -1;

  private final Digest expected;
  private final long expectedSize;
  private final MessageDigest hash;
  private long count;
  private boolean verified;

  public VerifyingInputStream(InputStream in, Digest expected, long expectedSize) {
    super(in, 8192);
    this.expected = expected;
    this.expectedSize = expectedSize;
    this.hash = expected.newMessageDigest();
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b < 0) {
      verifyAtEnd();
      return -1;
    }
    hash.update((byte) b);
    counted(1);
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    int n = in.read(buffer, offset, length);
    if (n < 0) {
      verifyAtEnd();
      return -1;
    }
    hash.update(buffer, offset, n);
    counted(n);
    return n;
  }

  @Override
  protected String observing() {
    return "verifying " + expected;
  }

  private void counted(int n) throws IOException {
    count += n;
    if (expectedSize >= 0 && count > expectedSize) {
      throw new BlobVerificationException(
          expected,
          "content of "
              + expected
              + " is longer than its expected size of "
              + expectedSize
              + " bytes");
    }
  }

  private void verifyAtEnd() throws IOException {
    if (verified) {
      return;
    }
    if (expectedSize >= 0 && count != expectedSize) {
      throw new BlobVerificationException(
          expected,
          "content of " + expected + " is truncated: " + count + " of " + expectedSize + " bytes");
    }
    byte[] actual = hash.digest();
    if (!expected.matches(actual)) {
      throw new BlobVerificationException(
          expected,
          "content does not match its digest: expected "
              + expected
              + " but the "
              + count
              + " bytes read hash to "
              + new Digest(expected.algorithm(), java.util.HexFormat.of().formatHex(actual)));
    }
    verified = true;
  }
}
