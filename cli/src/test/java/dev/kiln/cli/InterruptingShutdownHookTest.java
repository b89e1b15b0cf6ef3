package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shutdown hook's decisions, with the JVM's halt replaced by a recorder: it interrupts the
 * command, waits for it to finish (at most the grace), and ends kiln with 130 whichever signal
 * began the shutdown. The real signals are sent to the real jar in {@code InterruptIT}.
 */
@Timeout(30)
class InterruptingShutdownHookTest {
  private final List<Integer> halted = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

  private InterruptingShutdownHook hook(Thread worker, Duration grace) {
    return new InterruptingShutdownHook(
        worker, grace, new PrintStream(stderr, true, StandardCharsets.UTF_8), halted::add);
  }

  @Test
  void aCommandThatUnwindsIsWaitedForAndKilnExits130() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    InterruptingShutdownHook[] h = new InterruptingShutdownHook[1];
    Thread command =
        new Thread(
            () -> {
              started.countDown();
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException e) {
                h[0].commandFinished(); // the command reports the interruption, then returns
              }
            });
    h[0] = hook(command, Duration.ofSeconds(20));
    command.start();
    started.await();
    long began = System.nanoTime();
    h[0].onShutdown();
    assertTrue(System.nanoTime() - began < TimeUnit.SECONDS.toNanos(10), "no wait for the grace");
    assertEquals(List.of(ExitCode.INTERRUPTED), halted);
    assertTrue(h[0].fired());
    assertEquals("", stderr.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aCommandStuckInAReadNoInterruptEndsCannotHoldKilnPastTheGrace() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Thread stuck =
        new Thread(
            () -> {
              while (never.getCount() > 0) {
                try {
                  never.await();
                } catch (InterruptedException e) {
                  // as a thread blocked opening a FIFO: the interrupt changes nothing
                }
              }
            });
    stuck.setDaemon(true);
    stuck.start();
    InterruptingShutdownHook h = hook(stuck, Duration.ofMillis(300));
    h.onShutdown();
    assertEquals(List.of(ExitCode.INTERRUPTED), halted);
    assertTrue(
        stderr.toString(StandardCharsets.UTF_8).contains("cleanup did not finish within"),
        stderr.toString(StandardCharsets.UTF_8));
    never.countDown();
  }

  @Test
  void aSignalAfterTheCommandFinishedChangesNothing() {
    InterruptingShutdownHook h = hook(Thread.currentThread(), Duration.ofSeconds(5));
    h.commandFinished();
    h.onShutdown();
    assertEquals(List.of(), halted);
    assertTrue(!h.fired());
  }
}
