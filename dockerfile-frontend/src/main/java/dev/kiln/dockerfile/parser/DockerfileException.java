package dev.kiln.dockerfile.parser;

import java.util.List;
import java.util.Optional;

/**
 * A Dockerfile the frontend cannot accept. The message is the bare reason (the same text BuildKit
 * uses where there is one); where it happened is carried separately as source ranges, attached once
 * at the instruction boundary, and {@link DockerfileErrorRenderer} turns both into the text a
 * person reads.
 */
public final class DockerfileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Messages quote what the user wrote, and a line may be 64 KiB; a longer message keeps its start
   * and its end (where the reason usually is) and drops the middle.
   */
  static final int MAX_MESSAGE = 1000;

  private final transient List<SourceRange> ranges;
  private final String hint;

  public DockerfileException(String message) {
    this(message, List.of(), null, null);
  }

  public DockerfileException(String message, String hint) {
    this(message, List.of(), hint, null);
  }

  public DockerfileException(
      String message, List<SourceRange> ranges, String hint, Throwable cause) {
    super(shortened(message), cause);
    this.ranges = List.copyOf(ranges);
    this.hint = hint;
  }

  private static String shortened(String message) {
    if (message == null || message.length() <= MAX_MESSAGE) {
      return message;
    }
    return message.substring(0, 600) + " ... " + message.substring(message.length() - 300);
  }

  /** Where the problem is; empty when the problem is not tied to a place in the file. */
  public List<SourceRange> ranges() {
    return ranges;
  }

  /** What the user can do about it, e.g. "did you mean RUN?". */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }

  /** This error with {@code range} attached, unless it already carries a location. */
  public DockerfileException withRangeIfAbsent(SourceRange range) {
    if (!ranges.isEmpty() || range == null) {
      return this;
    }
    DockerfileException located =
        new DockerfileException(getMessage(), List.of(range), hint, getCause());
    located.setStackTrace(getStackTrace());
    return located;
  }

  /** This error with its location replaced by {@code range}. */
  public DockerfileException withRange(SourceRange range) {
    DockerfileException located =
        new DockerfileException(getMessage(), List.of(range), hint, getCause());
    located.setStackTrace(getStackTrace());
    return located;
  }

  /** This error with a hint, keeping any hint it already has. */
  public DockerfileException withHintIfAbsent(String newHint) {
    if (hint != null || newHint == null) {
      return this;
    }
    DockerfileException hinted = new DockerfileException(getMessage(), ranges, newHint, getCause());
    hinted.setStackTrace(getStackTrace());
    return hinted;
  }
}
