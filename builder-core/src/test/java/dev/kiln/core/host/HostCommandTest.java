package dev.kiln.core.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostCommandTest {
  @TempDir Path tmp;

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private static HostCommand sh(String script) {
    return HostCommand.of("sh", "-c", script);
  }

  @Test
  void exitCodeAndBothOutputsAreReported() throws Exception {
    HostCommand.Result result = sh("printf out; printf 'bad thing\\n' >&2; exit 3").run();
    assertEquals(3, result.exitCode());
    assertFalse(result.succeeded());
    assertEquals("out", result.stdout());
    assertEquals("bad thing\n", result.stderr());
    assertEquals(
        "`sh -c printf out; printf 'bad thing\\n' >&2; exit 3` exited with 3: bad thing",
        result.describeFailure());
  }

  @Test
  void requireSuccessSaysWhatCouldNotBeDoneAndWhy() throws Exception {
    HostCommandException failure =
        assertThrows(
            HostCommandException.class,
            () -> sh("echo no such file >&2; exit 1").run().requireSuccess("mount the overlay"));
    assertEquals(
        "cannot mount the overlay: `sh -c echo no such file >&2; exit 1` exited with 1: no such"
            + " file",
        failure.getMessage());
    assertEquals("ok\n", sh("echo ok").run().requireSuccess("echo").stdout());
  }

  @Test
  void failureTextFallsBackToStdoutWhenStderrIsEmpty() throws Exception {
    assertEquals(
        "`sh -c echo only here; exit 2` exited with 2: only here",
        sh("echo only here; exit 2").run().describeFailure());
  }

  @Test
  void aMissingProgramNamesItAndThePackageToInstall() {
    HostCommandException failure =
        assertThrows(
            HostCommandException.class,
            () -> HostCommand.of("kiln-no-such-program", "-x").providedBy("attr").run());
    assertTrue(
        failure.getMessage().startsWith("cannot run `kiln-no-such-program`: "),
        failure.getMessage());
    assertTrue(
        failure.getMessage().endsWith("; install it (Debian/Ubuntu package 'attr')"),
        failure.getMessage());
  }

  @Test
  void runsInTheGivenDirectoryWithExtraEnvironment() throws Exception {
    HostCommand.Result result =
        sh("pwd; echo \"$KILN_TEST_VALUE\"; test -n \"$PATH\" && echo path kept")
            .in(tmp)
            .withEnvironment(Map.of("KILN_TEST_VALUE", "seen"))
            .run();
    assertEquals(tmp.toRealPath() + "\nseen\npath kept\n", result.stdout());
  }

  @Test
  void moreStdoutThanTheBoundFailsRatherThanBeingReadTruncated() {
    HostCommandException failure =
        assertThrows(
            HostCommandException.class,
            () -> sh("head -c 5000 /dev/zero").outputLimits(1000, 1000).run());
    assertTrue(failure.getMessage().contains("printed more than 1000 bytes"), failure.getMessage());
    assertTrue(
        failure.getMessage().contains("`sh -c head -c 5000 /dev/zero`"), failure.getMessage());
  }

  @Test
  void stderrIsKeptUpToItsBoundAndTheRestCounted() throws Exception {
    HostCommand.Result result =
        sh("head -c 5000 /dev/zero | tr '\\0' x >&2; exit 1").outputLimits(1000, 100).run();
    assertEquals("x".repeat(100) + "… (4900 more bytes)", result.stderr());
  }

  @Test
  void aChattyCommandNeverBlocksOnAFullPipe() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          HostCommand.Result result =
              sh("head -c 4000000 /dev/zero; head -c 4000000 /dev/zero >&2").run();
          assertEquals(4_000_000, result.stdoutBytes().length);
          assertTrue(result.stderr().endsWith("more bytes)"));
        });
  }

  @Test
  void aCommandOverItsTimeoutIsKilledAndSaysSo() {
    long start = System.nanoTime();
    HostCommandException failure =
        assertThrows(
            HostCommandException.class,
            () -> HostCommand.of("sleep", "30").timeout(Duration.ofMillis(200)).run());
    assertEquals("`sleep 30` did not finish within 200 ms", failure.getMessage());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
  }

  @Test
  void anInterruptKillsTheCommandAndKeepsTheFlag() {
    long start = System.nanoTime();
    Thread.currentThread().interrupt();
    assertThrows(InterruptedIOException.class, () -> HostCommand.of("sleep", "30").run());
    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the caller");
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
  }

  @Test
  void aCleanupCommandFinishesDespiteAnInterrupt() throws Exception {
    Thread.currentThread().interrupt();
    HostCommand.Result result = sh("sleep 0.3; echo finished").finishingWhenInterrupted().run();
    assertEquals("finished\n", result.stdout());
    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is restored");
  }

  @Test
  void aChildLeftHoldingThePipeDoesNotHangTheCaller() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          String pid = sh("sleep 60 & echo $!").run().stdout().strip();
          ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroy);
        });
  }

  @Test
  void anOnlyEnvironmentIsTheWholeEnvironment() throws Exception {
    String printed =
        HostCommand.of("/usr/bin/env")
            .withOnlyEnvironment(java.util.Map.of("KILN_ONLY", "1"))
            .run()
            .stdout();
    assertEquals("KILN_ONLY=1\n", printed);
  }

  @Test
  void aTimeoutKillsWhatTheCommandStartedToo() throws Exception {
    java.nio.file.Path pidFile = tmp.resolve("child.pid");
    HostCommandTimeoutException failure =
        assertThrows(
            HostCommandTimeoutException.class,
            () ->
                sh("sleep 60 & echo $! > " + pidFile + "; wait")
                    .timeout(Duration.ofMillis(500))
                    .run());
    assertTrue(failure.getMessage().contains("did not finish within"), failure.getMessage());
    long child = Long.parseLong(java.nio.file.Files.readString(pidFile).strip());
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(
        ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the child lives");
  }
}
