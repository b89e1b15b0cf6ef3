package dev.kiln.maven;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.HumanReadable;
import dev.kiln.api.event.StepRef;
import java.util.regex.Pattern;
import org.apache.maven.plugin.logging.Log;

/**
 * A build's progress in Maven's log, plain: one line per step when it ends ({@code #3 [2/4] COPY
 * target/app.jar /app/app.jar CACHED}, {@code … DONE 1.2s}, {@code … ERROR: …}), the output of RUN
 * steps as {@code #3 | line}, warnings as warnings, and a closing summary. Step starts and layers
 * written are debug lines ({@code mvn -X}); finished pulls and pushes are info lines as in the CLI
 * ({@code pushed sha256:… 1.5kB (no upload needed)}). Terminal control sequences in command output
 * are removed, since Maven logs often end up in files and CI pages.
 */
final class MavenLogProgress implements BuildListener {
  private static final Pattern ESCAPES =
      Pattern.compile("\u001B\\[[0-?]*[ -/]*[@-~]|\u001B\\][^\u0007\u001B]*(\u0007|\u001B\\\\)?");
  private static final Pattern CONTROLS = Pattern.compile("[\\p{Cntrl}&&[^\t]]");

  private final Log log;

  MavenLogProgress(Log log) {
    this.log = log;
  }

  @Override
  public synchronized void on(BuildEvent event) {
    if (event instanceof BuildEvent.StepStarted e) {
      if (log.isDebugEnabled()) {
        log.debug(step(e.step()) + " started");
      }
    } else if (event instanceof BuildEvent.StepCached e) {
      log.info(step(e.step()) + " CACHED");
    } else if (event instanceof BuildEvent.StepCompleted e) {
      log.info(step(e.step()) + " DONE " + HumanReadable.duration(e.elapsed()));
    } else if (event instanceof BuildEvent.StepFailed e) {
      if (e.cancelled()) {
        log.info(step(e.step()) + " CANCELED");
      } else {
        log.error(step(e.step()) + " ERROR: " + plain(e.message()));
      }
    } else if (event instanceof BuildEvent.StepOutput e) {
      log.info("#" + e.step().number() + " | " + plain(e.line()));
    } else if (event instanceof BuildEvent.Transfer e) {
      if (e.finished() && (e.kind() != BuildEvent.TransferKind.LAYER || log.isDebugEnabled())) {
        String line = transfer(e);
        if (e.kind() == BuildEvent.TransferKind.LAYER) {
          log.debug(line);
        } else {
          log.info(line);
        }
      }
    } else if (event instanceof BuildEvent.Warning e) {
      log.warn(e.location().map(l -> l + ": ").orElse("") + plain(e.message()));
    } else if (event instanceof BuildEvent.Note e) {
      log.info(plain(e.message()));
    } else if (event instanceof BuildEvent.BuildCompleted e) {
      log.info(
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
        log.info("  -> " + reference);
      }
    }
  }

  /**
   * A finished transfer as the CLI prints it: {@code #3 pulled sha256:… 2.1MB}, {@code pushed
   * sha256:… 1.5kB (no upload needed)} when the registry had the blob already.
   */
  static String transfer(BuildEvent.Transfer e) {
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
  static String plain(String text) {
    if (text == null) {
      return "";
    }
    return CONTROLS.matcher(ESCAPES.matcher(text).replaceAll("")).replaceAll("");
  }
}
