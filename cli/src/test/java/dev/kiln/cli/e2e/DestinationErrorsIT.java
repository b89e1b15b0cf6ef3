package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.ExitCode;
import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Places kiln cannot write to, named by a flag: an output's {@code dest}, {@code --iidfile}, {@code
 * --cache-to}, kiln's store ({@code --cache-dir}). Each fails before the build starts (no step
 * runs), as a usage error naming the flag, the path and the system's reason; an empty {@code dest=}
 * is refused instead of meaning the current directory; a SRC path that does not exist is reported
 * as such.
 */
class DestinationErrorsIT {
  @TempDir static Path home;
  static KilnCli kiln;
  static Path context;

  @BeforeAll
  static void base() {
    kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
    context =
        kiln.context(
            "app",
            Map.of("Dockerfile", "FROM busybox:test\nRUN echo ran-a-step\nCOPY Dockerfile /\n"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-o|type=oci,dest=/proc/kiln.tar|--output type=oci dest /proc/kiln.tar",
        "-o|type=docker,dest=/proc/kiln.tar|--output type=docker dest /proc/kiln.tar",
        "-o|type=tar,dest=/proc/kiln.tar|--output type=tar dest /proc/kiln.tar",
        "-o|type=local,dest=/proc/kiln|--output type=local dest /proc/kiln",
        "-o|type=oci,tar=false,dest=/proc/kiln|--output type=oci,tar=false dest /proc/kiln",
        "--iidfile|/proc/kiln.iid|--iidfile /proc/kiln.iid",
        "--metadata-file|/proc/kiln.json|--metadata-file /proc/kiln.json",
        "--cache-to|type=local,dest=/proc/kiln|--cache-to dest /proc/kiln"
      })
  void anUnwritableDestinationFailsBeforeAnyStep(String row) {
    String[] parts = row.split("\\|");
    KilnCli.Result build = build(parts[0], parts[1]).exits(ExitCode.USAGE);
    assertFirstLine(build, "ERROR: " + parts[2] + ": cannot create files in /proc: ");
    assertNoStepRan(build);
  }

  @Test
  void anEmptyLocalDestIsRefusedInsteadOfWritingIntoTheCurrentDirectory() {
    KilnCli.Result build = build("-o", "type=local,dest=").exits(ExitCode.USAGE);
    assertFirstLine(build, "ERROR: --output 'type=local,dest=': dest is empty");
    assertTrue(build.stderr().contains("dest=. for the current directory"), build.describe());
    assertNoStepRan(build);
    assertFalse(Files.exists(home.resolve("bin")), "no image files in kiln's working directory");
  }

  @Test
  void aCacheDirThatIsAFileFailsBeforeAnyStep() throws IOException {
    Path file = Files.writeString(home.resolve("not-a-dir"), "x");
    KilnCli.Result build = build("--cache-dir", file.toString()).exits(ExitCode.USAGE);
    assertFirstLine(build, "ERROR: kiln's store " + file + " is not a directory");
    assertTrue(build.stderr().contains("hint: pass --cache-dir DIR"), build.describe());
    assertNoStepRan(build);
  }

  @Test
  void aCacheDirOnAReadOnlyMountFailsBeforeAnyStep() throws IOException {
    Path readOnly = Files.createDirectories(home.resolve("read-only"));
    ProcessRunner.run(List.of("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", readOnly + ""))
        .requireSuccess();
    try {
      Path store = readOnly.resolve("store");
      KilnCli.Result build = build("--cache-dir", store.toString()).exits(ExitCode.USAGE);
      assertFirstLine(
          build,
          "ERROR: kiln's store "
              + store
              + ": cannot create files in "
              + readOnly
              + ": Read-only file system");
      assertNoStepRan(build);
    } finally {
      ProcessRunner.run(List.of("umount", readOnly.toString())).requireSuccess();
    }
  }

  @Test
  void aCacheDirTheUserMayNotWriteFailsBeforeAnyStep() throws IOException {
    // root may write anywhere, so this one runs kiln as nobody; everything it reads is 0755.
    Path work = Files.createTempDirectory("kiln-nobody-");
    try {
      Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path jar = Files.copy(KilnCli.jar(), work.resolve("kiln.jar"));
      Path nobodyContext = Files.createDirectories(work.resolve("context"));
      Files.copy(
          context.resolve("Dockerfile"),
          nobodyContext.resolve("Dockerfile"),
          StandardCopyOption.REPLACE_EXISTING);
      Path nobodyHome = Files.createDirectories(work.resolve("home"));
      ProcessRunner.run(List.of("chown", "65534:65534", nobodyHome.toString())).requireSuccess();
      Path locked = Files.createDirectories(work.resolve("locked")); // root's, 0755
      Path store = locked.resolve("store");
      List<String> command =
          new ArrayList<>(
              List.of(
                  "setpriv",
                  "--reuid=65534",
                  "--regid=65534",
                  "--clear-groups",
                  "env",
                  "-i",
                  "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                  "HOME=" + nobodyHome,
                  "CI=true",
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString(),
                  "build",
                  "--progress=plain",
                  "--cache-dir",
                  store.toString(),
                  nobodyContext.toString()));
      ProcessRunner.Result r = ProcessRunner.run(command, Map.of(), Duration.ofMinutes(2));
      String output = r.stdout() + r.stderr();
      assertEquals(ExitCode.USAGE, r.exitCode(), output);
      assertTrue(
          r.stderr()
              .startsWith(
                  "ERROR: kiln's store "
                      + store
                      + ": cannot create files in "
                      + locked
                      + ": Permission denied\n"),
          output);
      assertFalse(r.stderr().lines().anyMatch(l -> l.startsWith("#")), output);
    } finally {
      KilnCli.deleteTree(work);
    }
  }

  @Test
  void aPullToAnUnwritablePlaceFailsBeforeContactingTheRegistry() {
    // Nothing listens on port 1: had kiln tried the registry first, it would say so.
    KilnCli.Result pull =
        kiln.run("pull", "-o", "type=oci,dest=/proc/kiln.tar", "127.0.0.1:1/app:1")
            .exits(ExitCode.USAGE);
    assertFirstLine(pull, "ERROR: --output type=oci dest /proc/kiln.tar: cannot create files in");
  }

  @Test
  void pushingAMissingFileSaysSo() {
    KilnCli.Result push =
        kiln.run("push", "/nonexistent/app.tar", "127.0.0.1:1/app:1").exits(ExitCode.USAGE);
    assertFirstLine(push, "ERROR: /nonexistent/app.tar: no such file or directory");
    assertFalse(push.stderr().contains("invalid image reference"), push.describe());
  }

  private static KilnCli.Result build(String flag, String value) {
    return kiln.run("build", "--progress=plain", flag, value, context.toString());
  }

  private static void assertFirstLine(KilnCli.Result result, String prefix) {
    String first = result.stderr().lines().findFirst().orElse("");
    assertTrue(first.startsWith(prefix), result.describe());
  }

  /** Plain progress numbers every step it starts: {@code #1 [1/3] FROM …}. */
  private static void assertNoStepRan(KilnCli.Result result) {
    assertFalse(result.stderr().lines().anyMatch(l -> l.startsWith("#")), result.describe());
  }
}
