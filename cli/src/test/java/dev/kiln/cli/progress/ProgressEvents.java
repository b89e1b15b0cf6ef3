package dev.kiln.cli.progress;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.StepRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A fixed, timestamped sequence of events for renderer tests. */
final class ProgressEvents {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final StepRef FROM =
      new StepRef(1, "build", 1, 3, "FROM busybox", Optional.of("Dockerfile:1"));
  static final StepRef COPY =
      new StepRef(2, "build", 2, 3, "COPY . /src", Optional.of("Dockerfile:2"));
  static final StepRef RUN = new StepRef(3, "build", 3, 3, "RUN make", Optional.of("Dockerfile:3"));

  private ProgressEvents() {}

  static Instant at(long millis) {
    return T0.plusMillis(millis);
  }

  static List<BuildEvent> successfulBuild() {
    return List.of(
        new BuildEvent.StepStarted(at(0), FROM),
        new BuildEvent.StepCached(at(10), FROM),
        new BuildEvent.StepStarted(at(10), COPY),
        new BuildEvent.Transfer(
            at(20),
            Optional.of(COPY),
            BuildEvent.TransferKind.LAYER,
            "sha256:0123456789ab",
            2048,
            4096,
            false),
        new BuildEvent.Transfer(
            at(30),
            Optional.of(COPY),
            BuildEvent.TransferKind.LAYER,
            "sha256:0123456789ab",
            4096,
            4096,
            true),
        new BuildEvent.StepCompleted(at(420), COPY, Duration.ofMillis(410)),
        new BuildEvent.StepStarted(at(420), RUN),
        new BuildEvent.StepOutput(at(920), RUN, BuildEvent.Stream.STDOUT, "compiling"),
        new BuildEvent.StepOutput(at(1420), RUN, BuildEvent.Stream.STDERR, "warning: x"),
        new BuildEvent.StepCompleted(at(2420), RUN, Duration.ofMillis(2000)),
        new BuildEvent.Warning(at(2430), "build argument FOO was not used", Optional.empty()),
        new BuildEvent.BuildCompleted(
            at(2500),
            "sha256:" + "ab".repeat(32),
            List.of("127.0.0.1:5000/app:1"),
            1_500_000,
            2,
            1,
            Duration.ofMillis(2500)));
  }
}
