package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.registry.model.Digest;
import dev.kiln.testdata.files.SpecialFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ctrl-C and SIGTERM during {@code kiln build}, sent to the real kiln process: while a RUN sleeps,
 * kiln must stop the step, exit 130 with a short message within seconds, and leave no sandbox
 * process, no mount and no temporary directory behind, and a store whose every blob still matches
 * its name; while it is stuck in a read no interrupt ends (a Dockerfile that is a FIFO nobody
 * writes), it must still exit 130 within seconds, and the store must stay usable.
 */
class InterruptIT {
  /** A sleep length no other process on the machine will have on its command line. */
  private static final String MARKER = "sleep 4242";

  @TempDir Path home;

  /**
   * If kiln failed to clean up, the test did fail; this only keeps a failed run from leaving the
   * step's processes and mounts on the machine (they are this test's own: they name its temp dir or
   * its marker).
   */
  @AfterEach
  void removeLeftovers() throws Exception {
    List<String> leftovers = new ArrayList<>(processesMentioning(MARKER));
    leftovers.addAll(processesMentioning(home.toString()));
    for (String process : leftovers) {
      ProcessHandle.of(Long.parseLong(process.substring(0, process.indexOf(':'))))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String mountPoint = line.split(" ")[4];
      if (mountPoint.startsWith(home.toString())) {
        new ProcessBuilder("umount", "--lazy", mountPoint).inheritIO().start().waitFor();
      }
    }
  }

  /** The README's bound on the cleanup (5 s), plus the time a loaded machine takes to exit. */
  private static final Duration WITHIN_SECONDS = Duration.ofSeconds(10);

  @ParameterizedTest
  @ValueSource(strings = {"INT", "TERM"})
  void aSignalStopsTheRunningStepCleansUpAndExits130(String signal) throws Exception {
    KilnCli kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
    Path context =
        kiln.context(
            "slow",
            Map.of(
                "Dockerfile",
                "FROM busybox:test\nRUN echo started && " + MARKER + "\nRUN echo never\n"));

    Process kilnProcess = start(kiln, "build", "--progress=plain", context.toString());
    Path stderrFile = home.resolve("stderr");
    Duration took;
    try {
      awaitOutput(stderrFile, "started", kilnProcess);
      awaitProcess(MARKER);
      took = signalAndWait(kilnProcess, signal);
    } finally {
      kilnProcess.destroyForcibly();
    }
    String stderr = Files.readString(stderrFile, StandardCharsets.UTF_8);
    assertEquals(ExitCode.INTERRUPTED, kilnProcess.exitValue(), stderr);
    assertTrue(took.compareTo(WITHIN_SECONDS) < 0, "kiln took " + took + " to stop: " + stderr);
    assertTrue(stderr.contains("ERROR: " + ErrorReport.INTERRUPTED), stderr);
    assertTrue(!stderr.contains("Exception"), "no stack trace: " + stderr);
    assertTrue(!stderr.contains("#3 "), "the next step never started: " + stderr);

    Path cache = kiln.cacheDir();
    assertEquals(List.of(), processesMentioning(MARKER), "no process of the step is left");
    assertEquals(List.of(), processesMentioning(cache.toString()), "no runtime process is left");
    List<String> mounts =
        Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
            .filter(line -> line.contains(cache.toString()))
            .toList();
    assertEquals(List.of(), mounts, "no mount is left under the cache");
    assertEquals(List.of(), entries(cache.resolve("tmp")), "no build spool is left");
    assertEquals(List.of(), entries(cache.resolve("run/snapshots")), "no snapshot is left");
    assertEquals(List.of(), entries(cache.resolve("run/sandbox/steps")), "no step dir is left");
    assertEveryBlobMatchesItsName(cache);
    assertTheStoreStillBuilds(kiln);
  }

  @Test
  void sigtermEndsABuildStuckInAReadNoInterruptEnds() throws Exception {
    KilnCli kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
    Path context = kiln.context("stuck", Map.of("a.txt", "alpha\n"));
    // Opening a FIFO for reading waits for a writer, and no interrupt ends that wait.
    Path dockerfile = SpecialFiles.fifo(home.resolve("Dockerfile.fifo"), 0644);

    Process kilnProcess =
        start(kiln, "build", "--progress=plain", "-f", dockerfile.toString(), context.toString());
    Duration took;
    try {
      awaitBlockedOpening(kilnProcess, dockerfile);
      took = signalAndWait(kilnProcess, "TERM");
    } finally {
      kilnProcess.destroyForcibly();
      SpecialFiles.releaseReaders(dockerfile);
    }
    String stderr = Files.readString(home.resolve("stderr"), StandardCharsets.UTF_8);
    assertEquals(ExitCode.INTERRUPTED, kilnProcess.exitValue(), stderr);
    assertTrue(took.compareTo(WITHIN_SECONDS) < 0, "kiln took " + took + " to stop: " + stderr);
    assertTrue(stderr.contains("cleanup did not finish within 5s"), stderr);
    assertTrue(!stderr.contains("Exception"), "no stack trace: " + stderr);
    assertEveryBlobMatchesItsName(kiln.cacheDir());
    assertTheStoreStillBuilds(kiln);
  }

  /** Starts {@code kiln ARGS} with its output in {@code home/stdout} and {@code home/stderr}. */
  private Process start(KilnCli kiln, String... args) throws IOException {
    // env resets SIGINT to its default: a JVM started with SIGINT ignored (a background job of a
    // non-interactive shell, as CI runners start us) would not even see it.
    List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT"));
    command.addAll(KilnCli.command(List.of(args)));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(false)
            .redirectOutput(home.resolve("stdout").toFile())
            .redirectError(home.resolve("stderr").toFile());
    builder.environment().clear();
    builder.environment().putAll(kiln.env());
    return builder.start();
  }

  /** Sends {@code signal} and returns how long kiln took to exit (failing after a minute). */
  private static Duration signalAndWait(Process kiln, String signal) throws Exception {
    Instant sent = Instant.now();
    new ProcessBuilder("kill", "-" + signal, Long.toString(kiln.pid()))
        .inheritIO()
        .start()
        .waitFor();
    assertTrue(kiln.waitFor(60, TimeUnit.SECONDS), "kiln stops within a minute");
    return Duration.between(sent, Instant.now());
  }

  private static void assertTheStoreStillBuilds(KilnCli kiln) {
    Path quick = kiln.context("quick", Map.of("Dockerfile", "FROM busybox:test\nRUN echo after\n"));
    kiln.run("build", "-q", quick.toString()).ok();
  }

  /**
   * Waits until a thread of {@code process} is blocked opening the FIFO: Linux shows such a thread
   * waiting in {@code wait_for_partner} (its wait channel).
   */
  private void awaitBlockedOpening(Process process, Path fifo) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError("kiln exited early:\n" + Files.readString(home.resolve("stderr")));
      }
      try (Stream<Path> tasks =
          Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
        for (Path task : tasks.toList()) {
          String wchan = readOrEmpty(task.resolve("wchan"));
          if (wchan.equals("wait_for_partner")) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("kiln never blocked opening " + fifo);
  }

  private static String readOrEmpty(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return ""; // the thread ended while we looked
    }
  }

  private static void awaitOutput(Path file, String text, Process process) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("kiln exited early:\n" + Files.readString(file));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("kiln never printed '" + text + "':\n" + Files.readString(file));
  }

  private static void awaitProcess(String text) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (!processesMentioning(text).isEmpty()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no process runs '" + text + "'");
  }

  /** Command lines (from /proc) of live processes that contain {@code text}, except our own. */
  private static List<String> processesMentioning(String text) throws IOException {
    List<String> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        if (proc.getFileName().toString().equals(Long.toString(self))) {
          continue;
        }
        try {
          String cmdline =
              new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ')
                  .strip();
          if (cmdline.contains(text) && !isZombie(proc)) {
            found.add(proc.getFileName() + ": " + cmdline);
          }
        } catch (IOException e) {
          // The process ended while we looked.
        }
      }
    }
    return found;
  }

  private static boolean isZombie(Path proc) throws IOException {
    for (String line : Files.readAllLines(proc.resolve("status"))) {
      if (line.startsWith("State:")) {
        return line.contains("Z");
      }
    }
    return false;
  }

  private static List<String> entries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void assertEveryBlobMatchesItsName(Path cache) throws IOException {
    Path blobs = cache.resolve("blobs/sha256");
    try (Stream<Path> files = Files.list(blobs)) {
      for (Path blob : files.toList()) {
        String name = blob.getFileName().toString();
        assertTrue(name.matches("[0-9a-f]{64}"), "only finished blobs in blobs/: " + name);
        try (InputStream in = Files.newInputStream(blob)) {
          var sha = Digest.newSha256();
          byte[] buffer = new byte[1 << 16];
          for (int n; (n = in.read(buffer)) > 0; ) {
            sha.update(buffer, 0, n);
          }
          assertEquals("sha256:" + name, Digest.ofSha256(sha.digest()).toString(), blob.toString());
        }
      }
    }
  }
}
