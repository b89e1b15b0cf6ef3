package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.ExitCode;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each class of failure, as a person sees it from the real jar: the message, where it happened,
 * what to do, and the documented exit code; never a stack trace. (A registry 401 is in {@link
 * LoginIT}, next to the credentials it names.)
 */
class ErrorMessagesIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path home;
  static KilnCli kiln;

  @BeforeAll
  static void base() {
    kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
  }

  @Test
  void aDockerfileSyntaxErrorShowsFileLineColumnTheLineAndACaret() {
    Path context =
        kiln.context(
            "syntax",
            Map.of("Dockerfile", "FROM busybox:test\nRUN echo hi\nCOPY --frm=build /a /b\n"));
    KilnCli.Result build = kiln.run("build", "-q", context.toString()).exits(ExitCode.USAGE);
    assertEquals(
        "ERROR: Dockerfile:3:6: unknown flag: frm\n"
            + "    3 | COPY --frm=build /a /b\n"
            + "      |      ^^^^^^^^^^^\n"
            + "hint: did you mean from?\n",
        build.stderr());
  }

  @Test
  void anUnknownTargetStageListsTheStages() {
    Path context =
        kiln.context(
            "target",
            Map.of("Dockerfile", "FROM busybox:test AS base\nFROM base AS app\nENV A=1\n"));
    KilnCli.Result build =
        kiln.run("build", "-q", "--target", "tset", context.toString()).exits(ExitCode.USAGE);
    assertTrue(build.stderr().startsWith("ERROR: "), build.describe());
    assertTrue(build.stderr().contains("\"tset\""), build.describe());
    assertTrue(build.stderr().contains("hint: stages: base, app"), build.describe());
  }

  @Test
  void aMissingBaseImageNamesTheReferenceAndTheRegistrysAnswer() {
    String missing = registry.reference("nosuch:1");
    Path context =
        kiln.context("missing", Map.of("Dockerfile", "FROM " + missing + "\nRUN echo hi\n"));
    KilnCli.Result build = kiln.run("build", "-q", context.toString()).exits(ExitCode.REGISTRY);
    String stderr = build.stderr();
    assertTrue(stderr.startsWith("ERROR: Dockerfile:1:1: "), build.describe());
    assertTrue(stderr.contains(missing), build.describe());
    assertTrue(stderr.contains("HTTP 404"), build.describe());
    assertTrue(stderr.contains("MANIFEST_UNKNOWN"), build.describe());
    assertTrue(stderr.contains("    1 | FROM " + missing), build.describe());
  }

  @Test
  void aMissingTagNamesTheTagsTheRepositoryHas() {
    for (String tag : List.of("1.0", "1.1", "latest")) {
      kiln.run("push", "-q", "busybox:test", registry.reference("tagged/app:" + tag)).ok();
    }
    String missing = registry.reference("tagged/app:1.2");
    Path context = kiln.context("missing-tag", Map.of("Dockerfile", "FROM " + missing + "\n"));
    KilnCli.Result build = kiln.run("build", "-q", context.toString()).exits(ExitCode.REGISTRY);
    assertTrue(build.stderr().contains("MANIFEST_UNKNOWN"), build.describe());
    assertTrue(build.stderr().contains("its tags: 1.0, 1.1, latest"), build.describe());
    KilnCli.Result pull = kiln.run("pull", "-q", missing).exits(ExitCode.REGISTRY);
    assertTrue(pull.stderr().contains("its tags: 1.0, 1.1, latest"), pull.describe());
  }

  @Test
  void aFailedRunShowsTheCommandItsExitCodeAndItsLastLines() {
    Path context =
        kiln.context(
            "run",
            Map.of(
                "Dockerfile",
                "FROM busybox:test\nRUN echo preparing; echo almost; echo it broke; exit 3\n"));
    KilnCli.Result build = kiln.run("build", "-q", context.toString()).exits(ExitCode.BUILD_FAILED);
    assertEquals(
        "ERROR: Dockerfile:2:1: process \"/bin/sh -c echo preparing; echo almost; echo it broke;"
            + " exit 3\" did not complete successfully: exit code: 3\n"
            + "    2 | RUN echo preparing; echo almost; echo it broke; exit 3\n"
            + "      | ^\n"
            + "output (last lines):\n"
            + "  preparing\n"
            + "  almost\n"
            + "  it broke\n",
        build.stderr());
  }

  @Test
  void aFailedRunsLastStderrLineComesLastInTheLogAndInItsLastLines() {
    Path context =
        kiln.context(
            "stderr-order",
            Map.of(
                "Dockerfile",
                "FROM busybox:test\n"
                    + "RUN for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo line $i; done;"
                    + " echo boom >&2; exit 3\n"));
    // Two reader threads printed "boom" among the first lines in most runs; a few runs make a
    // race that is left show.
    for (int run = 0; run < 3; run++) {
      KilnCli.Result build =
          kiln.run("build", "--progress=plain", "--no-cache", context.toString())
              .exits(ExitCode.BUILD_FAILED);
      List<String> logged = build.stderr().lines().filter(l -> l.matches("#2 [0-9.]+ .*")).toList();
      assertEquals(13, logged.size(), build.describe());
      assertTrue(logged.get(12).endsWith(" boom"), build.describe());
      assertTrue(build.stderr().endsWith("  line 12\n  boom\n"), build.describe());
    }
  }

  @Test
  void aStepThatNeedsAnEntitlementNamesTheFlagToPassAndRunsNothing() {
    Path context =
        kiln.context(
            "entitlement",
            Map.of(
                "Dockerfile",
                "FROM busybox:test\nRUN echo first\nRUN --security=insecure mount -t tmpfs x /mnt\n"));
    KilnCli.Result build =
        kiln.run("build", "--progress=plain", context.toString()).exits(ExitCode.USAGE);
    assertEquals(
        "ERROR: Dockerfile:3:5: RUN --security=insecure needs the security.insecure entitlement,"
            + " which this build was not granted\n"
            + "    3 | RUN --security=insecure mount -t tmpfs x /mnt\n"
            + "      |     ^^^^^^^^^^^^^^^^^^^\n"
            + "hint: pass --allow security.insecure if you trust this Dockerfile: the step then"
            + " runs with full privileges on this machine\n",
        build.stderr(),
        "no step started, so the plain progress printed nothing");
    KilnCli.Result typo =
        kiln.run("build", "--allow", "security.unsafe", context.toString()).exits(ExitCode.USAGE);
    assertEquals(
        "ERROR: unknown entitlement 'security.unsafe' for --allow\n"
            + "hint: use network.host or security.insecure (comma-separated or repeated)\n",
        typo.stderr());
  }

  @Test
  void aBadFlagIsAUsageErrorThatSaysWhatIsAllowed() {
    KilnCli.Result build = kiln.run("build", "--progress=fancy", ".").exits(ExitCode.USAGE);
    assertEquals(
        "ERROR: invalid --progress value 'fancy'\nhint: use auto, tty, plain, rawjson or quiet\n",
        build.stderr());
    KilnCli.Result unknown = kiln.run("build", "--frobnicate").exits(ExitCode.USAGE);
    assertTrue(unknown.stderr().contains("Unknown option: '--frobnicate'"), unknown.describe());
    assertFalse(unknown.stderr().contains("Exception"), unknown.describe());
  }
}
