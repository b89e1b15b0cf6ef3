package dev.kiln.gradle.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.StepRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

// The lines are LogLines' (shared with the Maven plugin); the events repeat MavenLogProgressTest's
// on purpose, to pin the level each line gets in Gradle's log, which differs from Maven's.
class GradleLogProgressTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final StepRef FROM =
      new StepRef(1, "base", 1, 2, "FROM jre:test", Optional.of("Dockerfile:5"));
  private static final StepRef COPY =
      new StepRef(3, "", 1, 1, "COPY ${JAR_FILE} app.jar", Optional.of("Dockerfile:18"));

  private final List<String> lines = new ArrayList<>();
  private final GradleLogProgress progress =
      new GradleLogProgress((level, line) -> lines.add(level + " " + line));

  @Test
  void stepsEndAtLifecycleAndStartAtDebug() {
    progress.on(new BuildEvent.StepStarted(T, FROM));
    progress.on(new BuildEvent.StepCached(T, FROM));
    progress.on(
        new BuildEvent.StepOutput(T, COPY, BuildEvent.Stream.STDOUT, "\u001B[1mbold\u001B[0m"));
    progress.on(new BuildEvent.StepCompleted(T, COPY, Duration.ofMillis(1234)));
    progress.on(new BuildEvent.StepFailed(T, COPY, "exit code 2", false));

    assertEquals(
        List.of(
            "debug #1 [base 1/2] FROM jre:test started",
            "lifecycle #1 [base 1/2] FROM jre:test CACHED",
            "lifecycle #3 | bold",
            "lifecycle #3 [1/1] COPY ${JAR_FILE} app.jar DONE 1.2s",
            "error #3 [1/1] COPY ${JAR_FILE} app.jar ERROR: exit code 2"),
        lines);
  }

  @Test
  void pullsAndPushesAreShownAsTheCliShowsThemAndLayersOnlyWithInfo() {
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.of(FROM), BuildEvent.TransferKind.PULL, "sha256:aaa", 2000, 2000, true));
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.empty(), BuildEvent.TransferKind.PUSH, "sha256:bbb", 10, 1500, false));
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.empty(), BuildEvent.TransferKind.PUSH, "sha256:ccc", 0, 900, true));
    progress.on(
        new BuildEvent.Transfer(
            T, Optional.of(COPY), BuildEvent.TransferKind.LAYER, "sha256:ddd", 10, 10, true));

    assertEquals(
        List.of(
            "lifecycle #1 pulled sha256:aaa 2.0kB",
            "lifecycle pushed sha256:ccc 900B (no upload needed)",
            "info #3 wrote layer sha256:ddd 10B"),
        lines);
  }

  @Test
  void hintsNameThePluginsSettings() {
    assertEquals(
        "unauthorized\nhint: use HTTPS, or add 'registry.internal:5000' to kiln {"
            + " insecureRegistries } (for a token service: plainHttpCredentialHosts) if you trust"
            + " the network",
        FailureText.of(
            "unauthorized",
            null,
            "use HTTPS, or allow credentials over plain HTTP for registry.internal:5000 if you"
                + " trust the network"));
    assertEquals(
        "denied\nhint: add 'network.host' to kiln { allow } (or pass -Pkiln.allow=network.host)",
        FailureText.of("denied", null, "pass --allow network.host"));
    assertEquals(
        "unauthorized\nhint: if you trust the network to r.example:5000, add 'r.example:5000' to"
            + " kiln { insecureRegistries } to allow it",
        FailureText.of(
            "unauthorized",
            null,
            "if you trust the network to r.example:5000, pass --insecure-registry r.example:5000"
                + " to allow it"));
  }
}
