package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.core.sandbox.MountTable;
import dev.kiln.core.sandbox.ProcessScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler, proven from the order of recorded step events, never from wall-clock times:
 * independent stages overlap, {@code --max-parallelism 1} serialises them, identical steps run
 * once, unreachable stages never start, and the first failure cancels the rest cleanly.
 */
class StageParallelismIT {
  /**
   * A RUN that announces itself in a shared cache mount, then waits (at most a minute) for the
   * other stage to announce itself too: it can only succeed if both run at the same time.
   */
  private static final String MEET =
      "RUN --mount=type=cache,id=meet,target=/meet,sharing=shared touch /meet/%s && i=0;"
          + " while [ ! -f /meet/%s ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done;"
          + " test -f /meet/%s";

  @TempDir Path tmp;
  private BusyboxBuilds builds;
  private Path ctx;

  @BeforeEach
  void setUp() throws Exception {
    builds = BusyboxBuilds.create(tmp);
    ctx = builds.dir("ctx");
  }

  private BuildRequest.Builder request(String dockerfile) throws Exception {
    Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
    return BuildRequest.builder(ctx);
  }

  @Test
  void independentStagesRunAtTheSameTime() throws Exception {
    String dockerfile =
        "FROM busybox:test AS left\n"
            + MEET.formatted("left", "right", "right")
            + "\n\nFROM busybox:test AS right\n"
            + MEET.formatted("right", "left", "left")
            + "\n\nFROM busybox:test\n"
            + "COPY --from=left /etc/base-version /left\n"
            + "COPY --from=right /etc/base-version /right\n";
    EventLog log = builds.build(request(dockerfile).maxParallelism(2)).log();

    int leftStarted = log.indexOf(EventLog.started("left", "RUN"));
    int leftEnded = log.indexOf(EventLog.ended("left", "RUN"));
    int rightStarted = log.indexOf(EventLog.started("right", "RUN"));
    int rightEnded = log.indexOf(EventLog.ended("right", "RUN"));
    assertTrue(leftStarted >= 0 && rightStarted >= 0, log.table());
    assertTrue(leftStarted < rightEnded, "left's RUN started before right's ended");
    assertTrue(rightStarted < leftEnded, "right's RUN started before left's ended");
    assertTrue(log.table().contains("ran [left 2/2] RUN"), log.table());
    assertTrue(log.table().contains("ran [right 2/2] RUN"), log.table());
  }

  @Test
  void maxParallelismOneRunsOneStageAtATime() throws Exception {
    String dockerfile =
        """
        FROM busybox:test AS left
        RUN sleep 1 && echo left > /left

        FROM busybox:test AS right
        RUN sleep 1 && echo right > /right

        FROM busybox:test
        COPY --from=left /left /left
        COPY --from=right /right /right
        """;
    EventLog log = builds.build(request(dockerfile).maxParallelism(1)).log();

    List<BuildEvent> all = log.events();
    List<BuildEvent> left = log.ofStage("left");
    List<BuildEvent> right = log.ofStage("right");
    int leftFirst = all.indexOf(left.get(0));
    int leftLast = all.indexOf(left.get(left.size() - 1));
    int rightFirst = all.indexOf(right.get(0));
    int rightLast = all.indexOf(right.get(right.size() - 1));
    assertTrue(
        leftLast < rightFirst || rightLast < leftFirst,
        "one stage ended before the other started:\n" + all);
  }

  @Test
  void identicalStepsInParallelStagesRunOnce() throws Exception {
    String dockerfile =
        """
        FROM busybox:test AS one
        RUN echo same > /same && sleep 1

        FROM busybox:test AS two
        RUN echo same > /same && sleep 1

        FROM busybox:test
        COPY --from=one /same /one
        COPY --from=two /same /two
        """;
    EventLog log = builds.build(request(dockerfile).maxParallelism(2)).log();
    String table = log.table();
    boolean oneRan = table.contains("ran [one 2/2] RUN echo same");
    boolean twoRan = table.contains("ran [two 2/2] RUN echo same");
    boolean oneHit = table.contains("hit [one 2/2] RUN echo same");
    boolean twoHit = table.contains("hit [two 2/2] RUN echo same");
    assertTrue((oneRan && twoHit) || (twoRan && oneHit), table);
  }

  @Test
  void stagesTheTargetDoesNotNeedNeverRun() throws Exception {
    String dockerfile =
        """
        FROM busybox:test AS unused
        RUN echo this stage must not run && exit 1

        FROM busybox:test AS used
        RUN echo used > /used

        FROM busybox:test
        COPY --from=used /used /used
        """;
    EventLog log = builds.build(request(dockerfile)).log();
    assertEquals(List.of(), log.ofStage("unused"));
    assertEquals(
        """
        ran [used 1/2] FROM busybox:test AS used
        ran [used 2/2] RUN echo used > /used
        ran [stage-2 1/2] FROM busybox:test
        ran [stage-2 2/2] COPY --from=used /used /used
        """,
        log.table());
  }

  @Test
  @Timeout(180) // a guard against a hang, not a measurement: the sleep alone lasts 15 minutes
  void theFirstFailureCancelsTheOtherStagesCleanly() throws Exception {
    String sleep = "sleep " + (900 + ThreadLocalRandom.current().nextInt(99));
    String dockerfile =
        "FROM busybox:test AS sleeper\n"
            + "RUN --mount=type=cache,id=meet,target=/meet,sharing=shared touch /meet/sleeping && "
            + sleep
            + "\n\nFROM busybox:test AS failer\n"
            + "RUN --mount=type=cache,id=meet,target=/meet,sharing=shared i=0;"
            + " while [ ! -f /meet/sleeping ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done;"
            + " echo failing on purpose; exit 3\n"
            + "\nFROM busybox:test\n"
            + "COPY --from=sleeper /etc/base-version /a\n"
            + "COPY --from=failer /etc/base-version /b\n";
    BuildRequest.Builder request = request(dockerfile).maxParallelism(2);
    EventLog log = new EventLog();
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () -> new Engine().build(request.cacheDir(builds.cacheDir()).build(), log));

    assertEquals(BuildFailure.Kind.STEP, failure.kind(), failure.getMessage());
    assertTrue(failure.getMessage().contains("exit code: 3"), failure.getMessage());
    assertTrue(failure.detail().orElse("").contains("failing on purpose"), failure.toString());
    String table = log.table();
    assertTrue(table.contains("failed [failer 2/2] RUN"), table);
    assertTrue(table.contains("cancelled [sleeper 2/2] RUN"), table);
    assertTrue(log.ofStage("stage-2").isEmpty(), table);
    assertEquals(List.of(), ProcessScan.withMarker(sleep), "no step process is left running");
    assertEquals(List.of(), MountTable.mountPointsUnder(builds.cacheDir()), "no mount is left");
  }
}
