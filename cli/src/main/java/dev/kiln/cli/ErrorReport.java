package dev.kiln.cli;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.Failures;
import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * Prints a failure for a person, in one place for every command: {@code ERROR: what}, then the
 * detail (a Dockerfile excerpt, a command's last output), then {@code hint: what to do}, and
 * returns the exit code its kind has (see {@link ExitCode}). A stack trace only with {@code
 * --debug}.
 */
public final class ErrorReport {
  /** What kiln says when Ctrl-C (or SIGTERM) stopped a command. */
  public static final String INTERRUPTED =
      "interrupted: stopped the running work and removed its temporary files and mounts";

  private ErrorReport() {}

  /**
   * Prints {@code failure} for the command running in {@code cli}; after Ctrl-C any failure is
   * reported as the interruption it is.
   */
  public static int print(Throwable failure, CliEnvironment cli, boolean debug) {
    if (cli.interrupted().getAsBoolean()) {
      return printInterrupted(failure, cli.stderr(), debug);
    }
    return print(failure, cli.stderr(), debug);
  }

  static int print(Throwable failure, PrintStream err, boolean debug) {
    BuildFailure f = Failures.of(failure);
    String message = f.getMessage();
    String detail = f.detail().orElse(null);
    String hint = f.hint().orElse(null);
    int code = f.kind().exitCode();
    err.println("ERROR: " + message);
    if (detail != null && !detail.isBlank()) {
      err.println(detail.stripTrailing());
    }
    if (hint != null && !hint.isBlank()) {
      err.println("hint: " + hint);
    }
    if (debug) {
      PrintWriter trace = new PrintWriter(err, true);
      failure.printStackTrace(trace);
    }
    err.flush();
    return code;
  }

  private static int printInterrupted(Throwable failure, PrintStream err, boolean debug) {
    err.println("ERROR: " + INTERRUPTED);
    if (debug && failure != null) {
      failure.printStackTrace(new PrintWriter(err, true));
    }
    err.flush();
    return ExitCode.INTERRUPTED;
  }
}
