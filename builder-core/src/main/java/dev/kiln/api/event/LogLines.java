package dev.kiln.api.event;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A build's progress as plain lines for a build tool's log (the Maven and Gradle plugins), each
 * with a {@link Level} the tool maps to a level of its own: one line per step when it ends ({@code
 * #3 [2/4] COPY target/app.jar /app/app.jar CACHED}, {@code … DONE 1.2s}, {@code … ERROR: …}), RUN
 * output as {@code #3 | line}, warnings as warnings, finished pulls and pushes as the CLI prints
 * them ({@code pushed sha256:… 1.5kB (no upload needed)}) and a closing summary; step starts and
 * layers written only for a tool's more verbose levels. Terminal control sequences in command
 * output are removed, since build logs end up in files and CI pages.
 */
public final class LogLines implements BuildListener {
  private static final Pattern ESCAPES =
      Pattern.compile("\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)?");
  private static final Pattern CONTROLS = Pattern.compile("[\\p{Cntrl}&&[^\t]]");

  /** How much a line matters. */
  public enum Level {
    /** A step started. */
    DEBUG,
    /** A layer was written. */
    DETAIL,
    /** Steps ending, their output, pulls, pushes, notes and the summary. */
    PROGRESS,
    WARN,
    ERROR
  }

  /** Where the lines go. */
  public interface Sink {
    /** Logs one line. */
    void line(Level level, String text);

    /** Whether lines of {@code level} are shown at all (the others are not even made). */
    default boolean shows(Level level) {
      return true;
    }
  }

  private final Sink sink;

  /** Lines to {@code sink}. */
  public LogLines(Sink sink) {
    this.sink = sink;
  }

  @Override
  public synchronized void on(BuildEvent event) {
    if (event instanceof BuildEvent.StepStarted e) {
      if (sink.shows(Level.DEBUG)) {
        sink.line(Level.DEBUG, step(e.step()) + " started");
      }
    } else if (event instanceof BuildEvent.StepCached e) {
      sink.line(Level.PROGRESS, step(e.step()) + " CACHED");
    } else if (event instanceof BuildEvent.StepCompleted e) {
      sink.line(Level.PROGRESS, step(e.step()) + " DONE " + HumanReadable.duration(e.elapsed()));
    } else if (event instanceof BuildEvent.StepFailed e) {
      if (e.cancelled()) {
        sink.line(Level.PROGRESS, step(e.step()) + " CANCELED");
      } else {
        sink.line(Level.ERROR, step(e.step()) + " ERROR: " + plain(e.message()));
      }
    } else if (event instanceof BuildEvent.StepOutput e) {
      sink.line(Level.PROGRESS, "#" + e.step().number() + " | " + plain(e.line()));
    } else if (event instanceof BuildEvent.Transfer e) {
      Level level = e.kind() == BuildEvent.TransferKind.LAYER ? Level.DETAIL : Level.PROGRESS;
      if (e.finished() && sink.shows(level)) {
        sink.line(level, transfer(e));
      }
    } else if (event instanceof BuildEvent.Warning e) {
      sink.line(Level.WARN, e.location().map(l -> l + ": ").orElse("") + plain(e.message()));
    } else if (event instanceof BuildEvent.Note e) {
      sink.line(Level.PROGRESS, plain(e.message()));
    } else if (event instanceof BuildEvent.BuildCompleted e) {
      summary(e).forEach(line -> sink.line(Level.PROGRESS, line));
    }
  }

  /**
   * The closing lines of a build, as the CLI prints them too: {@code built sha256:… (2.5MB) in
   * 4.5s: 2 steps run, 3 cached}, then {@code -> REFERENCE} for each place the image went.
   */
  public static List<String> summary(BuildEvent.BuildCompleted e) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "built "
            + e.imageDigest()
            + " ("
            + HumanReadable.bytes(e.imageSize())
            + ") in "
            + HumanReadable.duration(e.elapsed())
            + ": "
            + e.stepsExecuted()
            + " steps run, "
            + e.stepsCached()
            + " cached");
    for (String reference : e.references()) {
      lines.add("  -> " + reference);
    }
    return lines;
  }

  /**
   * A finished transfer as the CLI prints it: {@code #3 pulled sha256:… 2.1MB}, {@code pushed
   * sha256:… 1.5kB (no upload needed)} when the registry had the blob already.
   */
  public static String transfer(BuildEvent.Transfer e) {
    String what =
        switch (e.kind()) {
          case PULL -> "pulled";
          case PUSH -> "pushed";
          case LAYER -> "wrote layer";
        };
    boolean skipped = e.kind() == BuildEvent.TransferKind.PUSH && e.done() == 0 && e.total() > 0;
    return e.step().map(s -> "#" + s.number() + " ").orElse("")
        + what
        + " "
        + e.id()
        + " "
        + (skipped
            ? HumanReadable.bytes(e.total()) + " (no upload needed)"
            : HumanReadable.bytes(e.done()));
  }

  private static String step(StepRef step) {
    return "#" + step.number() + " " + plain(step.label());
  }

  /** The text without terminal escape sequences or control characters. */
  public static String plain(String text) {
    if (text == null) {
      return "";
    }
    return CONTROLS.matcher(ESCAPES.matcher(text).replaceAll("")).replaceAll("");
  }
}
