package dev.kiln.core.layer;

import dev.kiln.registry.model.Digest;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Counts and sha256-hashes the bytes passing through to {@code out}. Closing it does not close
 * {@code out}: the layer pipeline closes its stages itself, in order.
 */
final class HashingOutputStream extends FilterOutputStream {
  private final MessageDigest hash = Digest.newSha256();
  private long count;

  HashingOutputStream(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    hash.update((byte) b);
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    hash.update(b, off, len);
    count += len;
  }

  @Override
  public void close() throws IOException {
    out.flush();
  }

  long count() {
    return count;
  }

  /** The digest of everything written; call once, at the end. */
  Digest digest() {
    return Digest.ofSha256(hash.digest());
  }
}
