package dev.kiln.cli;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.RequestException;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.output.FileSystemFailures;
import dev.kiln.registry.client.PlatformNotFoundException;
import dev.kiln.registry.reference.InvalidReferenceException;
import dev.kiln.registry.transport.RegistryException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;

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
    Throwable f = failure instanceof UncheckedIOException u ? u.getCause() : failure;
    int code;
    String message = f.getMessage() == null ? f.toString() : f.getMessage();
    String detail = null;
    String hint = null;
    if (f instanceof BuildFailure b) {
      code = ExitCode.of(b.kind());
      detail = b.detail().orElse(null);
      hint = b.hint().orElse(null);
    } else if (f instanceof RequestException r) {
      code = ExitCode.USAGE;
      hint = r.hint();
    } else if (f instanceof InvalidReferenceException) {
      code = ExitCode.USAGE;
      hint = "write NAME[:TAG][@DIGEST], e.g. registry.example:5000/team/app:1.0";
    } else if (f instanceof ImageNotFoundException n) {
      code = ExitCode.USAGE;
      hint = n.hint();
    } else if (f instanceof PlatformNotFoundException) {
      code = ExitCode.USAGE;
      hint = "pass --platform with one of the platforms listed";
    } else if (f instanceof RegistryException r) {
      // The registry client's message already names the reference, status, registry errors,
      // the credential source and a hint.
      code = ExitCode.REGISTRY;
      if (r.credentialSource() != null && r.credentialSource().startsWith("withheld")) {
        hint =
            "kiln does not send credentials over plain HTTP; if this registry is yours, pass"
                + " --insecure-registry HOST to allow it";
      }
    } else if (f instanceof FileSystemException fs) {
      code = ExitCode.FILE_SYSTEM;
      message = FileSystemFailures.describe(fs);
      hint = FileSystemFailures.hint(fs);
    } else {
      code = ExitCode.INTERNAL;
      message = "internal error: " + f;
      hint = "rerun with --debug for the stack trace, and report it if it looks like a bug";
    }
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
