package dev.kiln.api.build;

import java.util.Optional;

/**
 * A build that could not finish, with what a person needs to fix it. The CLI maps each {@link Kind}
 * to a documented exit code and prints {@link #getMessage()}, then {@link #detail()} and {@link
 * #hint()}; a stack trace only with {@code --debug}.
 */
public class BuildFailure extends Exception {
  /** Which part of the build failed, which decides the exit code. */
  public enum Kind {
    /** The Dockerfile or a flag is wrong (syntax, unknown stage, bad value). */
    USAGE,
    /** A step failed: a RUN exited non-zero, a COPY source is missing, an ADD checksum differs. */
    STEP,
    /** A registry refused or failed: authentication, missing image, network. */
    REGISTRY,
    /**
     * A file system kiln writes to failed: a full disk, a read-only or unwritable place. The
     * message names the path (an output's destination, kiln's store) and the system's reason.
     */
    FILE_SYSTEM,
    /** The build was interrupted (Ctrl-C). */
    INTERRUPTED,
    /** A bug or an environment problem kiln cannot explain better. */
    INTERNAL
  }

  private final Kind kind;
  private final String detail;
  private final String hint;

  public BuildFailure(Kind kind, String message, String detail, String hint, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.detail = detail;
    this.hint = hint;
  }

  public Kind kind() {
    return kind;
  }

  /** More lines (a Dockerfile excerpt with a caret, the last output of a failed command). */
  public Optional<String> detail() {
    return Optional.ofNullable(detail);
  }

  /** What to do about it. */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }
}
