package dev.kiln.registry.event;

import dev.kiln.registry.model.Digest;
import java.time.Duration;

/**
 * Something the registry client did that a person may want to see: requests, retries, which
 * credentials were used, and blob transfers with their progress. One {@code
 * Consumer<RegistryEvent>} receives them all (see {@code RegistryClientOptions.listener}); the CLI
 * draws progress bars from the blob events, the benchmark counts requests, and the {@link Notice}s
 * are how the client warns: it writes nothing itself (no logging framework, no stderr), so a front
 * end shows them its own way, or not at all.
 *
 * <p>Listeners are called on the thread doing the work, so they must be fast and must not throw.
 */
public sealed interface RegistryEvent {

  /** Which way a blob moves. */
  enum Direction {
    DOWNLOAD,
    UPLOAD
  }

  /** How a blob push ended. */
  enum PushOutcome {
    /** The registry already had it in the target repository (HEAD said so). */
    EXISTED,
    /** Mounted from another repository of the same registry: no bytes sent. */
    MOUNTED,
    /** Uploaded. */
    UPLOADED
  }

  /**
   * One HTTP request was sent and finished with {@code status} (0: no response came back). Each
   * redirect hop is a request of its own; a connection that could not be made is not a request.
   */
  record RequestCompleted(String method, String redactedUrl, int status) implements RegistryEvent {}

  /** A request failed in a way worth retrying, and will be sent again after {@code delay}. */
  record RequestRetried(
      String method, String redactedUrl, int attempt, Duration delay, String reason)
      implements RegistryEvent {}

  /** Credentials from {@code source} were used for {@code registry} (reported once per pair). */
  record CredentialsUsed(String registry, String source) implements RegistryEvent {}

  /** An event a person should be told about, as one line of text. */
  sealed interface Notice extends RegistryEvent {
    /** The line to show, without a "warning" prefix. */
    String message();
  }

  /**
   * Credentials from {@code source} exist for {@code registry} but were not sent, because the
   * registry is reached over plain HTTP and is not allowed to receive them that way (reported once
   * per pair).
   */
  record CredentialsWithheld(String registry, String source) implements Notice {
    @Override
    public String message() {
      return "not sending credentials from "
          + source
          + " to "
          + registry
          + " over plain HTTP; name the registry as insecure to allow it";
    }
  }

  /**
   * A credential helper named in a config file is not installed, so it was skipped (Docker fails
   * outright here; kiln goes on, so public images still pull). Reported once per helper and file.
   */
  record CredentialHelperMissing(String helper, String configuredIn) implements Notice {
    @Override
    public String message() {
      return helper + " named in " + configuredIn + " is not installed; ignoring it";
    }
  }

  /**
   * A mirror of {@code repository} failed ({@code reason}); the next mirror, or the registry
   * itself, is asked instead. A mirror that does not have the image is not reported.
   */
  record MirrorFailed(String mirror, String repository, String reason) implements Notice {
    @Override
    public String message() {
      return "mirror "
          + mirror
          + " failed for "
          + repository
          + " ("
          + reason
          + "); trying the next";
    }
  }

  /** The registry refused to mount a blob from {@code from}; it is uploaded instead. */
  record MountRefused(Digest digest, String from, String reason) implements RegistryEvent {}

  /** A blob upload failed in a way worth retrying, and goes on after {@code delay}. */
  record UploadRetried(Digest digest, int attempt, Duration delay, String reason)
      implements RegistryEvent {}

  /** A blob transfer started; {@code size} is known from its descriptor. */
  record BlobStarted(Direction direction, Digest digest, long size) implements RegistryEvent {}

  /** Bytes so far of a blob transfer; sent at most every 256 KiB and at the end. */
  record BlobProgress(Direction direction, Digest digest, long bytesSoFar, long size)
      implements RegistryEvent {}

  /** A broken transfer continues from {@code offset} instead of starting again. */
  record BlobResumed(Direction direction, Digest digest, long offset) implements RegistryEvent {}

  /** A blob download finished and was verified. */
  record BlobDownloaded(Digest digest, long size) implements RegistryEvent {}

  /** A blob push finished: uploaded, mounted, or found to exist already. */
  record BlobPushed(Digest digest, long size, PushOutcome outcome) implements RegistryEvent {}
}
