package dev.kiln.cli.progress;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.LogLines;
import java.io.PrintWriter;

/** The closing lines of a build: what was produced, where it went, and what the cache did. */
final class Summary {
  private Summary() {}

  static void print(PrintWriter out, BuildEvent.BuildCompleted done) {
    LogLines.summary(done).forEach(out::println);
  }
}
