package dev.kiln.cli.progress;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.HumanReadable;
import dev.kiln.api.event.LogLines;
import dev.kiln.api.event.StepRef;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code --progress=plain}: one line per event, every line starting with the step's number, so
 * parallel stages interleave readably and {@code grep '^#4 '} shows one step. Output lines carry
 * the seconds since their step started, as BuildKit's plain output does. Transfers are reported
 * once, when finished, to keep logs short.
 */
public final class PlainProgress implements BuildListener {
  private final PrintWriter out;
  private final Map<Integer, Instant> started = new ConcurrentHashMap<>();

  public PlainProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public synchronized void on(BuildEvent event) {
    if (event instanceof BuildEvent.StepStarted e) {
      started.put(e.step().number(), e.at());
      out.println(prefix(e.step()) + e.step().label());
    } else if (event instanceof BuildEvent.StepCached e) {
      out.println(prefix(e.step()) + "CACHED");
    } else if (event instanceof BuildEvent.StepCompleted e) {
      out.println(prefix(e.step()) + "DONE " + HumanReadable.duration(e.elapsed()));
    } else if (event instanceof BuildEvent.StepFailed e) {
      out.println(prefix(e.step()) + (e.cancelled() ? "CANCELED" : "ERROR: " + e.message()));
    } else if (event instanceof BuildEvent.StepOutput e) {
      Instant start = started.getOrDefault(e.step().number(), e.at());
      double seconds = Duration.between(start, e.at()).toMillis() / 1000.0;
      out.println(
          prefix(e.step()) + String.format(java.util.Locale.ROOT, "%.3f ", seconds) + e.line());
    } else if (event instanceof BuildEvent.Transfer e) {
      if (e.finished()) {
        out.println(LogLines.transfer(e));
      }
    } else if (event instanceof BuildEvent.Warning e) {
      out.println("WARNING: " + e.location().map(l -> l + ": ").orElse("") + e.message());
    } else if (event instanceof BuildEvent.Note e) {
      out.println("note: " + e.message());
    } else if (event instanceof BuildEvent.OutputWritten e) {
      out.println(e.describe());
    } else if (event instanceof BuildEvent.BuildCompleted e) {
      Summary.print(out, e);
    }
    out.flush();
  }

  private static String prefix(StepRef step) {
    return "#" + step.number() + " ";
  }
}
