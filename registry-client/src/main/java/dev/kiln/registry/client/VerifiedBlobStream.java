package dev.kiln.registry.client;

import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RetryPolicy;
import dev.kiln.registry.transport.Sleeper;
import dev.kiln.registry.transport.TransientFailures;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * A blob download that checks what it hands out and survives broken connections.
 *
 * <ul>
 *   <li>Digest and size are computed while reading. The read that reaches the descriptor's size
 *       verifies the digest before it returns, so a caller never gets the last bytes of a wrong
 *       blob; a body longer than the size fails at once.
 *   <li>When the connection breaks or the body ends early, the download continues from the byte it
 *       reached with {@code Range: bytes=<n>-}, waiting as the retry policy says. A server that
 *       ignores the range and starts again is skipped forward. The bytes before the break are not
 *       read twice, and the digest still covers every byte handed out.
 * </ul>
 *
 * <p>A stream {@link #checkedByCaller checked by its caller} skips the hashing (the size and end
 * checks stay): for a caller that hashes every byte anyway and publishes nothing before comparing,
 * such as kiln's content store, so that a pulled byte is hashed once, not twice.
 *
 * <p>Memory use is one caller buffer, whatever the blob size.
 */
final class VerifiedBlobStream extends InputStream {
  /** Opens the blob at an offset; the response is 200 (whole blob) or 206 (from the offset). */
  @FunctionalInterface
  interface Opener {
    RegistryResponse open(long offset) throws IOException;
  }

  private final Descriptor blob;
  private final String action;
  private final Opener opener;
  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final Consumer<RegistryEvent> events;
  private final ProgressReporter progress;

  /** Null when the caller checks the digest. */
  private final MessageDigest digest;

  private RegistryResponse current;
  private InputStream in;
  private long count;
  private boolean verified;
  private boolean closed;
  private int failuresWithoutProgress;
  private long countAtLastFailure = -1;
  private int resumes;

  VerifiedBlobStream(
      Descriptor blob,
      String action,
      Opener opener,
      RetryPolicy policy,
      Sleeper sleeper,
      DoubleSupplier random,
      Consumer<RegistryEvent> events,
      boolean checkedByCaller) {
    this.blob = blob;
    this.action = action;
    this.opener = opener;
    this.policy = policy;
    this.sleeper = sleeper;
    this.random = random;
    this.events = events;
    this.progress =
        new ProgressReporter(events, RegistryEvent.Direction.DOWNLOAD, blob.digest(), blob.size());
    this.digest = checkedByCaller ? null : blob.digest().newMessageDigest();
  }

  /** Sends the first request, so that "not found" and auth errors surface when opening. */
  VerifiedBlobStream start() throws IOException {
    progress.started();
    openAt(0);
    return this;
  }

  private void openAt(long offset) throws IOException {
    RegistryResponse response = opener.open(offset);
    long start = BlobGet.bodyOffset(response);
    if (start < 0 || start > offset) {
      response.abort();
      throw new RegistryException(
          action,
          "the registry answered a request for bytes from "
              + offset
              + " with an unusable Content-Range: "
              + response.header("Content-Range"),
          null);
    }
    InputStream body = response.body();
    current = response;
    in = body;
    if (start < offset) {
      // The server ignored Range and started over: skip what was already handed out.
      try {
        body.skipNBytes(offset - start);
      } catch (IOException e) {
        failed(e);
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
  public int read(byte[] buf, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (verified) {
      return -1;
    }
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (in == null) {
        try {
          openAt(count);
        } catch (IOException e) {
          failed(e);
          continue;
        }
        if (in == null) {
          continue;
        }
      }
      int n;
      try {
        // Ask for one byte past the end at most, so that an over-long body is noticed.
        n = in.read(buf, off, (int) Math.min(len, blob.size() - count + 1));
      } catch (IOException e) {
        failed(e);
        continue;
      }
      if (n < 0) {
        if (count == blob.size()) {
          verify();
          return -1;
        }
        failed(new EOFException("the body ended after " + count + " of " + blob.size() + " bytes"));
        continue;
      }
      if (count + n > blob.size()) {
        abortCurrent();
        throw new ContentVerificationException(
            action,
            "the registry sent more than the " + blob.size() + " bytes the descriptor says");
      }
      if (digest != null) {
        digest.update(buf, off, n);
      }
      count += n;
      progress.at(count);
      if (count == blob.size()) {
        verify();
      }
      return n;
    }
  }

  /** The failure of a blob whose downloaded bytes do not match its digest. */
  static ContentVerificationException mismatch(String action, Descriptor blob) {
    return new ContentVerificationException(
        action,
        "the downloaded bytes do not match digest "
            + blob.digest()
            + "; nothing was kept (a proxy or the registry corrupted the blob)");
  }

  /** Decides whether a broken transfer resumes (after a wait) or fails. */
  private void failed(IOException e) throws IOException {
    abortCurrent();
    if (e instanceof ContentVerificationException || !TransientFailures.isTransient(e)) {
      throw e instanceof RegistryException r ? r : RegistryException.ioFailure(action, e);
    }
    if (count > countAtLastFailure) {
      failuresWithoutProgress = 0;
      countAtLastFailure = count;
    }
    failuresWithoutProgress++;
    resumes++;
    Optional<Duration> delay =
        resumes > 10 * policy.maxAttempts()
            ? Optional.empty()
            : policy.delayAfter(failuresWithoutProgress, null, random.getAsDouble());
    if (delay.isEmpty()) {
      throw new RegistryException(
          action,
          "the transfer broke off at byte "
              + count
              + " of "
              + blob.size()
              + " and resuming did not help ("
              + e.getMessage()
              + ")",
          e);
    }
    sleeper.sleep(delay.get());
    progress.resumed(count);
  }

  private void verify() throws IOException {
    // The body must end here; reading its end also lets the connection be reused.
    int extra;
    try {
      extra = in.read();
    } catch (IOException e) {
      extra = -1; // all bytes are in and verified below; a broken end changes nothing
    }
    if (extra >= 0) {
      abortCurrent();
      throw new ContentVerificationException(
          action, "the registry sent more than the " + blob.size() + " bytes the descriptor says");
    }
    if (digest != null && !blob.digest().matches(digest.digest())) {
      abortCurrent();
      throw mismatch(action, blob);
    }
    verified = true;
    if (current != null) {
      current.close();
      current = null;
    }
    events.accept(new RegistryEvent.BlobDownloaded(blob.digest(), blob.size()));
  }

  private void abortCurrent() {
    if (current != null) {
      current.abort();
      current = null;
    }
    in = null;
  }

  /** Bytes handed out so far. */
  long position() {
    return count;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (current != null) {
      current.close(); // aborts unless the body was read to its end
      current = null;
    }
  }
}
