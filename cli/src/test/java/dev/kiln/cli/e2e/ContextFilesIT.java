package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.ExitCode;
import dev.kiln.testdata.ProcessRunner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build-context files kiln cannot use, from the real jar: one the building user may not read (kiln
 * runs as {@code nobody} through {@code setpriv}, since root reads everything) and one whose name
 * is not UTF-8. Each is a user error with the README's code for a failed step (1) that names the
 * file, says why and what to do, without a stack trace; once {@code .dockerignore} leaves the file
 * out, the same build succeeds.
 */
class ContextFilesIT {
  private static final String NOBODY = "65534";

  @TempDir Path work;

  @Test
  void aFileTheUserMayNotReadIsNamedWithPermissionDeniedAndAHint() throws Exception {
    Path context = Files.createDirectories(work.resolve("context"));
    Files.writeString(context.resolve("a.txt"), "alpha\n");
    Files.writeString(context.resolve("secret.txt"), "no\n");
    Files.createDirectories(context.resolve("locked"));
    Files.writeString(context.resolve("locked/inside.txt"), "no\n");
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY . /x\n");
    Path jar = Files.copy(KilnCli.jar(), work.resolve("kiln.jar"));
    Files.createDirectories(work.resolve("home"));
    root("chmod", "-R", "a+rX", work.toString());
    root("chown", "-R", NOBODY + ":" + NOBODY, work.resolve("home").toString());
    root("chmod", "000", context.resolve("secret.txt").toString());

    ProcessRunner.Result file = asNobody(jar, "build", "-q", context.toString());
    assertEquals(ExitCode.BUILD_FAILED, file.exitCode(), file.stderr());
    assertEquals(
        "ERROR: Dockerfile:2:1: cannot read \"secret.txt\" in the build context: permission denied\n"
            + "    2 | COPY . /x\n"
            + "      | ^\n"
            + "hint: make "
            + context.resolve("secret.txt")
            + " readable by nobody (the user kiln runs as), or add it to .dockerignore if the image"
            + " does not need it\n",
        file.stderr());

    Files.writeString(context.resolve(".dockerignore"), "secret.txt\n");
    root("chmod", "0", context.resolve("locked").toString());
    ProcessRunner.Result dir = asNobody(jar, "build", "-q", context.toString());
    assertEquals(ExitCode.BUILD_FAILED, dir.exitCode(), dir.stderr());
    assertTrue(
        dir.stderr()
            .startsWith(
                "ERROR: Dockerfile:2:1: cannot read \"locked\" in the build context:"
                    + " permission denied\n"),
        dir.stderr());
    assertFalse(dir.stderr().contains("Exception"), dir.stderr());

    Files.writeString(context.resolve(".dockerignore"), "secret.txt\nlocked\n");
    ProcessRunner.Result ignored = asNobody(jar, "build", "-q", context.toString());
    assertEquals(0, ignored.exitCode(), ignored.stderr());
  }

  @Test
  void aNameThatIsNotUtf8IsRefusedByNameAndLeavingItOutWorks() throws Exception {
    KilnCli kiln = new KilnCli(work);
    Path context =
        kiln.context(
            "names", Map.of("a.txt", "alpha\n", "Dockerfile", "FROM scratch\nCOPY . /x\n"));
    Files.createDirectories(context.resolve("sub"));
    // A path's URI carries its bytes percent-encoded: the portable way to name a file 0xff.
    Files.writeString(Path.of(URI.create(context.toUri() + "sub/bad%FF.txt")), "bytes\n");

    KilnCli.Result build = kiln.run("build", "-q", context.toString()).exits(ExitCode.BUILD_FAILED);
    assertEquals(
        "ERROR: Dockerfile:2:1: cannot copy \"sub/bad\\xff.txt\" in the build context: its name is"
            + " not valid UTF-8\n"
            + "    2 | COPY . /x\n"
            + "      | ^\n"
            + "hint: rename it to a UTF-8 name, or add it to .dockerignore if the image does not"
            + " need it\n",
        build.stderr());

    // A COPY that does not select it is not stopped by it.
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY a.txt /x/\n");
    kiln.run("build", "-q", context.toString()).ok();

    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY . /x\n");
    Files.writeString(context.resolve(".dockerignore"), "sub/bad*\n");
    kiln.run("build", "-q", context.toString()).ok();
  }

  private ProcessRunner.Result asNobody(Path jar, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + NOBODY,
                "--regid=" + NOBODY,
                "--clear-groups",
                "env",
                "-i",
                "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=" + work.resolve("home"),
                "LC_ALL=C.UTF-8",
                "CI=true",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    return ProcessRunner.run(command, Map.of(), Duration.ofMinutes(5));
  }

  private static void root(String... command) {
    ProcessRunner.run(List.of(command)).requireSuccess();
  }
}
