package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.LogLines;
import dev.kiln.api.event.StepRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MavenLogProgressTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final StepRef FROM =
      new StepRef(1, "base", 1, 2, "FROM busybox:test", Optional.of("Dockerfile:2"));
  private static final StepRef RUN =
      new StepRef(2, "base", 2, 2, "RUN echo hi", Optional.of("Dockerfile:3"));
  private static final StepRef COPY =
      new StepRef(3, "", 1, 1, "COPY target/app.jar /app/app.jar", Optional.of("Dockerfile:6"));

  @Test
  void oneInfoLinePerStepWhenItEndsWithCachedOrDone() {
    RecordingLog log = new RecordingLog(false);
    MavenLogProgress progress = new MavenLogProgress(log);
    progress.on(new BuildEvent.StepStarted(T, FROM));
    progress.on(new BuildEvent.StepCached(T, FROM));
    progress.on(new BuildEvent.StepStarted(T, RUN));
    progress.on(new BuildEvent.StepOutput(T, RUN, BuildEvent.Stream.STDOUT, "hi"));
    progress.on(new BuildEvent.StepCompleted(T, RUN, Duration.ofMillis(1234)));
    progress.on(new BuildEvent.StepStarted(T, COPY));
    progress.on(new BuildEvent.StepCompleted(T, COPY, Duration.ofSeconds(75)));

    assertEquals(
        List.of(
            "INFO #1 [base 1/2] FROM busybox:test CACHED",
            "INFO #2 | hi",
            "INFO #2 [base 2/2] RUN echo hi DONE 1.2s",
            "INFO #3 [1/1] COPY target/app.jar /app/app.jar DONE 1m15s"),
        log.lines);
  }

  @Test
  void startsAndLayersWrittenAreDebugLines() {
    RecordingLog log = new RecordingLog(true);
    MavenLogProgress progress = new MavenLogProgress(log);
    progress.on(new BuildEvent.StepStarted(T, COPY));
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.of(COPY), BuildEvent.TransferKind.LAYER, "sha256:abc", 1500, 1500, true));
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.empty(), BuildEvent.TransferKind.PUSH, "sha256:abc", 10, 1500, false));

    assertEquals(
        List.of(
            "DEBUG #3 [1/1] COPY target/app.jar /app/app.jar started",
            "DEBUG #3 wrote layer sha256:abc 1.5kB"),
        log.lines);
  }

  @Test
  void finishedPullsAndPushesAreInfoLinesAsInTheCli() {
    RecordingLog log = new RecordingLog(false);
    MavenLogProgress progress = new MavenLogProgress(log);
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.of(FROM), BuildEvent.TransferKind.PULL, "sha256:aaa", 2000, 2000, true));
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.empty(), BuildEvent.TransferKind.PUSH, "sha256:bbb", 1500, 1500, true));
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.empty(), BuildEvent.TransferKind.PUSH, "sha256:ccc", 0, 900, true));
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.of(COPY), BuildEvent.TransferKind.LAYER, "sha256:ddd", 10, 10, true));

    assertEquals(
        List.of(
            "INFO #1 pulled sha256:aaa 2.0kB",
            "INFO pushed sha256:bbb 1.5kB",
            "INFO pushed sha256:ccc 900B (no upload needed)"),
        log.lines);
  }

  @Test
  void failuresAreErrorsAndCancellationsAreNot() {
    RecordingLog log = new RecordingLog(false);
    MavenLogProgress progress = new MavenLogProgress(log);
    progress.on(new BuildEvent.StepFailed(T, RUN, "exit code 2", false));
    progress.on(new BuildEvent.StepFailed(T, COPY, "cancelled", true));

    assertEquals(List.of("#2 [base 2/2] RUN echo hi ERROR: exit code 2"), log.at("ERROR"));
    assertEquals(List.of("#3 [1/1] COPY target/app.jar /app/app.jar CANCELED"), log.at("INFO"));
  }

  @Test
  void warningsKeepTheirLocationAndTheSummaryListsWhereTheImageWent() {
    RecordingLog log = new RecordingLog(false);
    MavenLogProgress progress = new MavenLogProgress(log);
    progress.on(new BuildEvent.Warning(T, "MAINTAINER is deprecated", Optional.of("Dockerfile:4")));
    progress.on(new BuildEvent.Note(T, "RUN isolation chroot"));
    progress.on(
        new BuildEvent.BuildCompleted(
            T,
            "sha256:0123",
            List.of("127.0.0.1:5000/app:1@sha256:0123"),
            2_500_000,
            2,
            3,
            Duration.ofMillis(4500)));

    assertEquals(List.of("Dockerfile:4: MAINTAINER is deprecated"), log.at("WARN"));
    assertEquals(
        List.of(
            "RUN isolation chroot",
            "built sha256:0123 (2.5MB) in 4.5s: 2 steps run, 3 cached",
            "  -> 127.0.0.1:5000/app:1@sha256:0123"),
        log.at("INFO"));
  }

  @Test
  void terminalEscapesAndControlCharactersNeverReachTheLog() {
    RecordingLog log = new RecordingLog(false);
    new MavenLogProgress(log)
        .on(
            new BuildEvent.StepOutput(
                T,
                RUN,
                BuildEvent.Stream.STDERR,
                "\u001B[1;31mred\u001B[0m and \u001B]0;title\u0007bell\rcr\ttab"));

    assertEquals(List.of("INFO #2 | red and bellcr\ttab"), log.lines);
    assertFalse(log.lines.get(0).contains("\u001B"));
    assertTrue(LogLines.plain(null).isEmpty());
  }
}
