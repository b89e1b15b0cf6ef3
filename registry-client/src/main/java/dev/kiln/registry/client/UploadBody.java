package dev.kiln.registry.client;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.RequestBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;

/**
 * Streams {@code length} bytes of a blob from its {@link BlobContent}, starting at {@code offset},
 * straight to the connection with an 8 KiB buffer. The content must have exactly the bytes the
 * descriptor promises: ending early, or having more after the blob's last byte, fails the request
 * before a wrong Content-Length could confuse the server. When the body is the whole blob, its
 * digest is checked as it is sent, so that content that changed is caught before the upload is
 * committed.
 */
final class UploadBody implements RequestBody {
  private final BlobContent content;
  private final Descriptor blob;
  private final long offset;
  private final long length;
  private final ProgressReporter progress;
  private final String what;
  private long sent;
  private MessageDigest digest;

  UploadBody(
      BlobContent content,
      Descriptor blob,
      long offset,
      long length,
      ProgressReporter progress,
      String what) {
    this.content = content;
    this.blob = blob;
    this.offset = offset;
    this.length = length;
    this.progress = progress;
    this.what = what;
  }

  @Override
  public String contentType() {
    return "application/octet-stream";
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public boolean replayable() {
    return true;
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    boolean whole = offset == 0 && length == blob.size();
    digest = whole ? blob.digest().newMessageDigest() : null;
    sent = 0;
    // Large writes go to the socket directly (the HTTP client's own buffer is 8 KiB): fewer calls.
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = content.open(offset)) {
      while (sent < length) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, length - sent));
        if (n < 0) {
          throw new ContentVerificationException(
              "uploading " + what,
              "the content ended after "
                  + (offset + sent)
                  + " bytes but the descriptor says "
                  + blob.size());
        }
        if (digest != null) {
          digest.update(buf, 0, n);
        }
        if (sent + n == length) {
          // Check before the last bytes leave, so a wrong blob never reaches the server whole.
          checkEnd(in);
        }
        out.write(buf, 0, n);
        sent += n;
        progress.at(offset + sent);
      }
      if (length == 0) {
        checkEnd(in);
      }
    }
  }

  private void checkEnd(InputStream in) throws IOException {
    if (offset + length == blob.size() && in.read() >= 0) {
      throw new ContentVerificationException(
          "uploading " + what,
          "the content has more than the " + blob.size() + " bytes the descriptor says");
    }
    if (digest != null && !blob.digest().matches(digest.digest())) {
      throw new ContentVerificationException(
          "uploading " + what,
          "the content's bytes do not hash to "
              + blob.digest()
              + "; the file changed after it was hashed, or the descriptor is wrong");
    }
  }
}
