package dev.kiln.core.sandbox;

import java.time.Duration;
import java.util.List;

/**
 * How a step ended: its exit code (128 + signal when killed by a signal), the last lines it printed
 * (both streams, in order, for an error message), how long it ran, and whether kiln killed it
 * because its timeout passed.
 */
public record RunResult(int exitCode, List<String> lastLines, Duration elapsed, boolean timedOut) {
  public RunResult {
    lastLines = List.copyOf(lastLines);
  }

  /** Exit code 0 and no timeout. */
  public boolean succeeded() {
    return exitCode == 0 && !timedOut;
  }

  /** One sentence for an error message, e.g. "exit code 2" or "timed out after 30 s". */
  public String describe() {
    if (timedOut) {
      return "timed out after " + elapsed.toSeconds() + " s and was killed";
    }
    if (exitCode > 128 && exitCode < 128 + 65) {
      return "exit code " + exitCode + " (killed by signal " + (exitCode - 128) + ")";
    }
    return "exit code " + exitCode;
  }
}
