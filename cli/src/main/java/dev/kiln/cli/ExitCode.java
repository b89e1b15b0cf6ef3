package dev.kiln.cli;

import dev.kiln.api.build.BuildFailure;

/**
 * kiln's exit codes, documented in the README. Scripts branch on these, so they never change
 * meaning. A failure's code is its kind's ({@link BuildFailure.Kind#exitCode()}); these constants
 * name them for the CLI's own checks.
 */
public final class ExitCode {
  /** The command did what was asked. */
  public static final int OK = 0;

  /** The build failed: a step (RUN, COPY, ADD) failed. */
  public static final int BUILD_FAILED = 1;

  /** The command line or the Dockerfile is wrong: nothing was built. */
  public static final int USAGE = 2;

  /** A registry refused or could not be reached (authentication, missing image, network). */
  public static final int REGISTRY = 3;

  /** kiln hit a problem it cannot explain better (a bug, or the machine is missing something). */
  public static final int INTERNAL = 4;

  /**
   * A file system kiln writes to failed: a full disk, a read-only or unwritable place, named with
   * the system's reason.
   */
  public static final int FILE_SYSTEM = 5;

  /**
   * Interrupted by SIGINT (Ctrl-C) or SIGTERM: 130 for both (128 + SIGINT's number, as shells
   * report Ctrl-C), as {@code docker buildx build} exits 130 for any cancelled build.
   */
  public static final int INTERRUPTED = 130;

  private ExitCode() {}

  static int of(BuildFailure.Kind kind) {
    return kind.exitCode();
  }
}
