package dev.kiln.cli.progress;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.HumanReadable;
import java.io.PrintWriter;

/** The closing lines of a build: what was produced, where it went, and what the cache did. */
final class Summary {
  private Summary() {}

  static void print(PrintWriter out, BuildEvent.BuildCompleted done) {
    out.println(
        "built "
            + done.imageDigest()
            + " ("
            + HumanReadable.bytes(done.imageSize())
            + ") in "
            + HumanReadable.duration(done.elapsed())
            + ": "
            + done.stepsExecuted()
            + " steps run, "
            + done.stepsCached()
            + " cached");
    for (String reference : done.references()) {
      out.println("  -> " + reference);
    }
  }
}
