package dev.kiln.gradle.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.HumanReadable;
import dev.kiln.api.event.StepRef;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * A build's progress as plain lines for Gradle's log, each with the Gradle log level to show it at:
 * one line per step when it ends ({@code #3 [2/4] COPY build/libs/app.jar /app/app.jar CACHED},
 * {@code … DONE 1.2s}), RUN output as {@code #3 | line}, warnings as warnings, the blobs pulled and
 * pushed ({@code pushed sha256:… 1.5kB (no upload needed)}, as the CLI prints them) and a closing
 * summary at {@code lifecycle} (shown by default); step starts at {@code debug} and layers written
 * at {@code info} ({@code gradle --info}). Terminal control sequences in command output are
 * removed: build logs end up in files and CI pages.
 */
final class GradleLogProgress implements BuildListener {
  private static final Pattern ESCAPES =
      Pattern.compile("\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)?");
  private static final Pattern CONTROLS = Pattern.compile("[\\p{Cntrl}&&[^\t]]");

  private final BiConsumer<String, String> log;

  GradleLogProgress(BiConsumer<String, String> log) {
    this.log = log;
  }

  @Override
  public synchronized void on(BuildEvent event) {
    if (event instanceof BuildEvent.StepStarted e) {
      log.accept("debug", step(e.step()) + " started");
    } else if (event instanceof BuildEvent.StepCached e) {
      log.accept("lifecycle", step(e.step()) + " CACHED");
    } else if (event instanceof BuildEvent.StepCompleted e) {
      log.accept("lifecycle", step(e.step()) + " DONE " + HumanReadable.duration(e.elapsed()));
    } else if (event instanceof BuildEvent.StepFailed e) {
      if (e.cancelled()) {
        log.accept("lifecycle", step(e.step()) + " CANCELED");
      } else {
        log.accept("error", step(e.step()) + " ERROR: " + plain(e.message()));
      }
    } else if (event instanceof BuildEvent.StepOutput e) {
      log.accept("lifecycle", "#" + e.step().number() + " | " + plain(e.line()));
    } else if (event instanceof BuildEvent.Transfer e) {
      if (e.finished()) {
        String what =
            switch (e.kind()) {
              case PULL -> "pulled";
              case PUSH -> "pushed";
              case LAYER -> "wrote layer";
            };
        boolean skipped =
            e.kind() == BuildEvent.TransferKind.PUSH && e.done() == 0 && e.total() > 0;
        log.accept(
            e.kind() == BuildEvent.TransferKind.LAYER ? "info" : "lifecycle",
            e.step().map(s -> "#" + s.number() + " ").orElse("")
                + what
                + " "
                + e.id()
                + " "
                + (skipped
                    ? HumanReadable.bytes(e.total()) + " (no upload needed)"
                    : HumanReadable.bytes(e.done())));
      }
    } else if (event instanceof BuildEvent.Warning e) {
      log.accept("warn", e.location().map(l -> l + ": ").orElse("") + plain(e.message()));
    } else if (event instanceof BuildEvent.Note e) {
      log.accept("lifecycle", plain(e.message()));
    } else if (event instanceof BuildEvent.BuildCompleted e) {
      log.accept(
          "lifecycle",
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
        log.accept("lifecycle", "  -> " + reference);
      }
    }
  }

  private static String step(StepRef step) {
    return "#" + step.number() + " " + plain(step.label());
  }

  /** The text without terminal escape sequences or control characters. */
  static String plain(String text) {
    if (text == null) {
      return "";
    }
    return CONTROLS.matcher(ESCAPES.matcher(text).replaceAll("")).replaceAll("");
  }
}
