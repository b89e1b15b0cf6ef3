package dev.kiln.cli;

import dev.kiln.core.build.BuildFailure;
import dev.kiln.core.request.RequestException;
import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * Prints a failure for a person, in one place for every command: {@code ERROR: what}, then the
 * detail (a Dockerfile excerpt, a command's last output), then {@code hint: what to do}. A stack
 * trace only with {@code --debug}.
 */
final class ErrorReport {
  private ErrorReport() {}

  static int print(Throwable failure, PrintStream err, boolean debug) {
    int code;
    String message;
    String detail = null;
    String hint = null;
    if (failure instanceof BuildFailure f) {
      code = ExitCode.of(f.kind());
      message = f.getMessage();
      detail = f.detail().orElse(null);
      hint = f.hint().orElse(null);
    } else if (failure instanceof RequestException r) {
      code = ExitCode.USAGE;
      message = r.getMessage();
      hint = r.hint();
    } else {
      code = ExitCode.INTERNAL;
      message = "internal error: " + failure;
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
}
