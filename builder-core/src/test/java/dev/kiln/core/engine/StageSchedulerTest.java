package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StageSchedulerTest {
  private static final BuildPlan TWO_BRANCHES =
      BuildPlan.compile(
          ("FROM scratch AS a\n"
                  + "FROM scratch AS b\n"
                  + "FROM scratch\n"
                  + "COPY --from=a / /a\n"
                  + "COPY --from=b / /b\n")
              .getBytes(StandardCharsets.UTF_8),
          BuildOptions.defaults());

  @Test
  void aFailureReturnsOnlyAfterTheInterruptedStagesHaveCleanedUp() {
    CountDownLatch bRunning = new CountDownLatch(1);
    AtomicBoolean bCleanedUp = new AtomicBoolean();
    Map<Integer, StageResult> done = new ConcurrentHashMap<>();
    StageScheduler.StageTask task =
        (plan, stage) -> {
          if (stage == 0) {
            try {
              bRunning.await();
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            throw new IOException("stage a failed");
          }
          bRunning.countDown();
          try {
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
          } catch (InterruptedException e) {
            // Like a RUN killing its processes and unmounting: cleanup that takes a moment and
            // must not be cut short.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
            while (System.nanoTime() < until) {
              Thread.onSpinWait();
            }
            bCleanedUp.set(true);
          }
          throw new IOException("stage b interrupted");
        };

    IOException failure =
        assertThrows(IOException.class, () -> new StageScheduler(2).run(TWO_BRANCHES, done, task));
    assertEquals("stage a failed", failure.getMessage());
    assertTrue(bCleanedUp.get(), "the build returned before stage b had cleaned up");
  }
}
