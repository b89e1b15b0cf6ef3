package dev.kiln.api.event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything a build reports while it runs, as immutable values. One listener receives them (see
 * {@link BuildListener}); progress displays, the rawjson stream, the Maven plugin's log and tests
 * are all just listeners. Every {@link StepStarted} is followed by exactly one {@link
 * StepCompleted}, {@link StepCached} or {@link StepFailed} for the same step, except that a step
 * cancelled because another failed ends with {@link StepFailed} too.
 */
public sealed interface BuildEvent
    permits BuildEvent.StepStarted,
        BuildEvent.StepCached,
        BuildEvent.StepCompleted,
        BuildEvent.StepFailed,
        BuildEvent.StepOutput,
        BuildEvent.Transfer,
        BuildEvent.Warning,
        BuildEvent.Note,
        BuildEvent.OutputWritten,
        BuildEvent.BuildCompleted {

  Instant at();

  /** A step began to resolve its cache key or to execute. */
  record StepStarted(Instant at, StepRef step) implements BuildEvent {}

  /** The step's result came from the cache; nothing was executed. */
  record StepCached(Instant at, StepRef step) implements BuildEvent {}

  /** The step executed successfully. */
  record StepCompleted(Instant at, StepRef step, Duration elapsed) implements BuildEvent {}

  /** The step failed (or was cancelled because another step failed). */
  record StepFailed(Instant at, StepRef step, String message, boolean cancelled)
      implements BuildEvent {}

  /** One line a running step printed. */
  record StepOutput(Instant at, StepRef step, Stream stream, String line) implements BuildEvent {}

  /** Which output stream a line came from. */
  enum Stream {
    STDOUT,
    STDERR
  }

  /**
   * Bytes moved for one blob: a pull, a push, or a layer being written. {@code total} is -1 when
   * unknown. Sent repeatedly while the transfer runs and once more with {@code done == total} (or
   * {@code finished}) at the end.
   */
  record Transfer(
      Instant at,
      Optional<StepRef> step,
      TransferKind kind,
      String id,
      long done,
      long total,
      boolean finished)
      implements BuildEvent {}

  /** What a {@link Transfer} moves. */
  enum TransferKind {
    PULL,
    PUSH,
    LAYER
  }

  /** Something the user should know that does not stop the build. */
  record Warning(Instant at, String message, Optional<String> location) implements BuildEvent {}

  /** Something worth knowing about how the build runs (which sandbox RUN uses, and why). */
  record Note(Instant at, String message) implements BuildEvent {}

  /**
   * One output was written: the target stage's files ({@code type=local}, {@code type=tar}), or an
   * image, told apart when a build's outputs hold images of different digests (OCI and Docker media
   * types).
   *
   * @param type the output's type, as {@code -o type=} says it ({@code local}, {@code oci}, ...)
   * @param destination the file or directory written, {@code -} for stdout, or the names an image
   *     went under (kiln's store, a registry)
   * @param digest the image's manifest digest; empty for files
   */
  record OutputWritten(Instant at, String type, String destination, Optional<String> digest)
      implements BuildEvent {
    /** {@code wrote sha256:… (oci) to app.tar}, {@code wrote the final stage's files to out/}. */
    public String describe() {
      String where = destination.equals("-") ? "stdout" : destination;
      return digest
          .map(d -> "wrote " + d + " (" + type + ") to " + where)
          .orElse(
              "wrote the final stage's files to "
                  + where
                  + (type.equals("tar") && !destination.equals("-") ? " (tar)" : ""));
    }
  }

  /** The build finished successfully. */
  record BuildCompleted(
      Instant at,
      String imageDigest,
      List<String> references,
      long imageSize,
      int stepsExecuted,
      int stepsCached,
      Duration elapsed)
      implements BuildEvent {}
}
