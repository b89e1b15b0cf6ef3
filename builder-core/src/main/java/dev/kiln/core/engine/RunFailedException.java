package dev.kiln.core.engine;

import dev.kiln.core.sandbox.RunResult;
import java.util.List;
import java.util.function.UnaryOperator;

/** A RUN whose command exited with a non-zero status (or timed out). */
final class RunFailedException extends Exception {
  private final List<String> lastLines;

  RunFailedException(List<String> argv, RunResult result, UnaryOperator<String> redact) {
    super(
        "process \""
            + redact.apply(String.join(" ", argv))
            + "\" did not complete successfully: "
            + (result.timedOut() ? "timed out" : "exit code: " + result.exitCode()));
    this.lastLines = result.lastLines().stream().map(redact).toList();
  }

  List<String> lastLines() {
    return lastLines;
  }
}
