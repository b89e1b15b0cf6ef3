package dev.kiln.registry.client;

import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RequestBody;
import dev.kiln.registry.transport.TransientFailures;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Puts one blob into a repository, doing as little as possible:
 *
 * <ol>
 *   <li>{@code HEAD}: if the repository has it, done;
 *   <li>if the caller names a repository on the same registry that has it, mount it from there
 *       ({@code POST ?mount=&from=}); a refused mount opens an ordinary upload instead;
 *   <li>upload: one {@code PUT} for blobs up to {@code monolithicUploadMaxBytes}; else one streamed
 *       {@code PATCH}, or {@code PATCH}es of {@code chunkSize} (at least the registry's {@code
 *       OCI-Chunk-Min-Length}) with {@code Content-Range}; then {@code PUT ?digest=}.
 * </ol>
 *
 * <p>A broken upload asks the registry how much it kept ({@code GET} on the session) and continues
 * from there with chunked PATCHes; if the session is gone it starts a new one. Attempts are bounded
 * by the retry policy. The blob's bytes stream from its {@link BlobContent}; nothing is held in
 * memory.
 */
final class BlobPusher {
  private final EndpointCaller caller;
  private final RegistryClientOptions options;
  private final Consumer<RegistryEvent> events;

  BlobPusher(EndpointCaller caller, RegistryClientOptions options, Consumer<RegistryEvent> events) {
    this.caller = caller;
    this.options = options;
    this.events = events;
  }

  PushOutcome push(ImageReference target, Descriptor blob, BlobContent content, ImageReference from)
      throws IOException {
    if (caller.call(new BlobHead(target, blob.digest(), true)).isPresent()) {
      events.accept(new RegistryEvent.BlobPushed(blob.digest(), blob.size(), PushOutcome.EXISTED));
      return PushOutcome.EXISTED;
    }
    UploadSession session = null;
    if (from != null
        && from.sameRegistry(target)
        && !from.repository().equals(target.repository())) {
      UploadStart.Result mount;
      try {
        mount = caller.call(new UploadStart(target, blob.digest(), from));
      } catch (RegistryException e) {
        if (e.retryable()) {
          throw e;
        }
        // A mount the registry refuses (no pull access to the source, say) is not fatal.
        events.accept(new RegistryEvent.MountRefused(blob.digest(), from.name(), e.getMessage()));
        mount = null;
      }
      if (mount instanceof UploadStart.Mounted) {
        events.accept(
            new RegistryEvent.BlobPushed(blob.digest(), blob.size(), PushOutcome.MOUNTED));
        return PushOutcome.MOUNTED;
      }
      if (mount instanceof UploadStart.Started started) {
        session = started.session();
      }
    }
    upload(target, blob, content, session);
    events.accept(new RegistryEvent.BlobPushed(blob.digest(), blob.size(), PushOutcome.UPLOADED));
    return PushOutcome.UPLOADED;
  }

  /**
   * Where an upload stands: the session's latest location and how many bytes the registry has
   * confirmed. Updated after every successful PATCH, so that a failure knows where to go on from.
   */
  private static final class Position {
    UploadSession session;
    long offset;

    Position(UploadSession session) {
      this.session = session;
    }
  }

  private void upload(
      ImageReference target, Descriptor blob, BlobContent content, UploadSession session)
      throws IOException {
    String what = "blob " + blob.digest() + " to " + target.name();
    ProgressReporter progress =
        new ProgressReporter(events, RegistryEvent.Direction.UPLOAD, blob.digest(), blob.size());
    progress.started();
    Position at = session == null ? null : new Position(session);
    for (int attempt = 1; ; attempt++) {
      try {
        if (at == null) {
          at = new Position(started(caller.call(new UploadStart(target))));
        }
        send(at, blob, content, progress, what);
        return;
      } catch (IOException e) {
        if (!worthAnotherTry(e)) {
          throw e;
        }
        Optional<Duration> delay =
            options.retryPolicy().delayAfter(attempt, null, options.random().getAsDouble());
        if (delay.isEmpty()) {
          throw e;
        }
        events.accept(
            new RegistryEvent.UploadRetried(blob.digest(), attempt, delay.get(), e.getMessage()));
        options.sleeper().sleep(delay.get());
        // A commit that failed after the registry finished it leaves nothing to do.
        if (caller.call(new BlobHead(target, blob.digest(), true)).isPresent()) {
          return;
        }
        at = resumable(at, blob, what);
        if (at != null && at.offset > 0) {
          progress.resumed(at.offset);
        }
      }
    }
  }

  /**
   * Asks the registry how much of the upload it kept. Returns where to go on from, or null to start
   * a new session (the registry lost this one, or holds nothing of it).
   */
  private Position resumable(Position at, Descriptor blob, String what) {
    if (at == null) {
      return null;
    }
    UploadPatch.Result status;
    try {
      status = caller.call(new UploadStatus(at.session, what));
    } catch (IOException statusFailure) {
      return null;
    }
    if (status.bytesStored() <= 0 || status.bytesStored() > blob.size()) {
      return null;
    }
    Position next = new Position(status.session());
    next.offset = status.bytesStored();
    return next;
  }

  /** Sends the bytes from {@code at.offset} on and commits, moving {@code at} as chunks land. */
  private void send(
      Position at, Descriptor blob, BlobContent content, ProgressReporter progress, String what)
      throws IOException {
    long size = blob.size();
    long chunk = options.chunkSize();
    if (at.offset == 0
        && size <= options.monolithicUploadMaxBytes()
        && (chunk == 0 || size <= chunk)) {
      caller.call(
          new UploadCommit(
              at.session,
              blob.digest(),
              new UploadBody(content, blob, 0, size, progress, what),
              what));
      return;
    }
    if (at.offset == 0 && chunk == 0) {
      UploadPatch.Result patched =
          caller.call(
              new UploadPatch(
                  at.session,
                  new UploadBody(content, blob, 0, size, progress, what),
                  0,
                  false,
                  what));
      at.session = patched.session();
      at.offset = size;
      caller.call(new UploadCommit(at.session, blob.digest(), null, what));
      return;
    }
    // Chunked: also how a resumed upload continues.
    long step = Math.max(chunk == 0 ? size - at.offset : chunk, at.session.minChunkLength());
    while (at.offset < size) {
      long offset = at.offset;
      long length = Math.min(step, size - offset);
      UploadPatch.Result patched =
          caller.call(
              new UploadPatch(
                  at.session,
                  new UploadBody(content, blob, offset, length, progress, what),
                  offset,
                  true,
                  what));
      if (patched.bytesStored() >= 0 && patched.bytesStored() != offset + length) {
        throw new RegistryException(
            "uploading " + what,
            "the registry holds "
                + patched.bytesStored()
                + " bytes after a chunk ending at "
                + (offset + length),
            null);
      }
      at.session = patched.session();
      at.offset = offset + length;
    }
    caller.call(new UploadCommit(at.session, blob.digest(), null, what));
  }

  private static UploadSession started(UploadStart.Result result) throws RegistryException {
    if (result instanceof UploadStart.Started s) {
      return s.session();
    }
    throw new RegistryException(
        "starting an upload", "the registry mounted instead of starting", null);
  }

  /** Transient failures, and a session the registry lost, are worth another try. */
  private static boolean worthAnotherTry(IOException e) {
    if (e instanceof ContentVerificationException) {
      return false;
    }
    if (e instanceof RegistryException r
        && (r.hasCode("BLOB_UPLOAD_UNKNOWN") || r.hasCode("BLOB_UPLOAD_INVALID"))) {
      return true;
    }
    return TransientFailures.isTransient(e);
  }

  /**
   * Uploads a stream whose digest is not known in advance: one streamed PATCH while hashing, then
   * {@code PUT ?digest=} with what was computed. It cannot be retried (the stream is read once).
   */
  Descriptor pushStream(ImageReference target, String mediaType, InputStream content)
      throws IOException {
    UploadSession session = started(caller.call(new UploadStart(target)));
    MessageDigest sha = Digest.newSha256();
    long[] count = {0};
    RequestBody body =
        new RequestBody() {
          @Override
          public String contentType() {
            return "application/octet-stream";
          }

          @Override
          public long length() {
            return -1;
          }

          @Override
          public boolean replayable() {
            return false;
          }

          @Override
          public void writeTo(OutputStream out) throws IOException {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = content.read(buf)) >= 0) {
              sha.update(buf, 0, n);
              out.write(buf, 0, n);
              count[0] += n;
            }
          }
        };
    String what = "a streamed blob to " + target.name();
    UploadPatch.Result patched = caller.call(new UploadPatch(session, body, 0, false, what));
    Digest digest = Digest.ofSha256(sha.digest());
    caller.call(new UploadCommit(patched.session(), digest, null, what));
    events.accept(new RegistryEvent.BlobPushed(digest, count[0], PushOutcome.UPLOADED));
    return Descriptor.of(mediaType, digest, count[0]);
  }
}
