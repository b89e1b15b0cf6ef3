package dev.kiln.api.build;

import java.util.Optional;

/**
 * Work that could not finish (a build, a push, a pull), with what a person needs to fix it: what
 * ({@link #getMessage()}, starting with {@code Dockerfile:LINE:COL} when it is about the
 * Dockerfile), more lines ({@link #detail()}), what to do ({@link #hint()}) and its {@link Kind},
 * which fixes the exit code. {@link Failures} makes one of any exception; front ends only render it
 * (a stack trace only with {@code --debug}).
 */
public class BuildFailure extends Exception {
  /** Which part failed, which decides the exit code (README's table). */
  public enum Kind {
    /** The Dockerfile or a flag is wrong (syntax, unknown stage, bad value): exit 2. */
    USAGE(2),
    /**
     * A step failed: a RUN exited non-zero, a COPY source is missing, an ADD checksum differs: exit
     * 1.
     */
    STEP(1),
    /** A registry refused or failed: authentication, missing image, network: exit 3. */
    REGISTRY(3),
    /**
     * A file system kiln writes to failed: a full disk, a read-only or unwritable place. The
     * message names the path (an output's destination, kiln's store) and the system's reason: exit
     * 5.
     */
    FILE_SYSTEM(5),
    /** Interrupted by SIGINT (Ctrl-C) or SIGTERM: exit 130, as {@code docker buildx build}. */
    INTERRUPTED(130),
    /**
     * A signature did not verify: none was found, or none was made with the key given, or the one
     * made with it signs another manifest: exit 1, as {@code cosign verify}.
     */
    VERIFICATION(1),
    /** A bug or an environment problem kiln cannot explain better: exit 4. */
    INTERNAL(4);

    private final int exitCode;

    Kind(int exitCode) {
      this.exitCode = exitCode;
    }

    /** The process exit code a command ends with for this kind of failure. */
    public int exitCode() {
      return exitCode;
    }
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
