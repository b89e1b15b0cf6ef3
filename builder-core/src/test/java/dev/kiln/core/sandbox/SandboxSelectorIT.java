package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Auto-detection tries runtimes for real: a runtime that is installed but refuses every container
 * (as crun 1.8 does on this project's cgroup-hybrid machines) is skipped with its own words.
 */
class SandboxSelectorIT {
  @TempDir Path tmp;

  /** A stand-in for crun on a cgroup v1/v2 hybrid host. */
  private Path brokenRuntime() throws Exception {
    Path crun = tmp.resolve("bin/crun");
    Files.createDirectories(crun.getParent());
    Files.writeString(
        crun,
        "#!/bin/sh\n"
            + "case \"$*\" in\n"
            + "  *--version*) echo 'crun version 1.8' ;;\n"
            + "  *' run '*) echo 'cgroups in hybrid mode not supported' >&2; exit 1 ;;\n"
            + "  *) exit 1 ;;\n"
            + "esac\n");
    Files.setPosixFilePermissions(crun, PosixFilePermissions.fromString("rwxr-xr-x"));
    return crun;
  }

  private SandboxSettings settings() {
    return SandboxSettings.forCurrentUser(tmp.resolve("state"));
  }

  @Test
  void autoPicksAWorkingRuntimeAfterABrokenOneAndSaysWhy() throws Exception {
    Path runc = HostTools.find("runc").orElseThrow();
    SandboxChoice choice =
        SandboxSelector.select(
            Isolation.AUTO,
            settings(),
            List.of(
                new SandboxSelector.Candidate("crun", Optional.of(brokenRuntime())),
                new SandboxSelector.Candidate("runc", Optional.of(runc))));
    assertEquals(Isolation.OCI, choice.isolation());
    assertTrue(choice.reason().startsWith("runc "), choice.reason());
    assertTrue(choice.reason().contains("ran a test container"), choice.reason());
    assertTrue(
        choice
            .reason()
            .contains(
                "crun 1.8 ("
                    + tmp.resolve("bin/crun")
                    + ") failed a test container: cgroups in hybrid mode not supported"),
        choice.reason());
    assertEquals("runc", ((OciSandbox) choice.sandbox()).runtime().name());
  }

  @Test
  void autoFallsBackToChrootWhenNoRuntimeWorks() throws Exception {
    SandboxChoice choice =
        SandboxSelector.select(
            Isolation.AUTO,
            settings(),
            List.of(
                new SandboxSelector.Candidate("crun", Optional.of(brokenRuntime())),
                new SandboxSelector.Candidate("runc", Optional.empty())));
    assertEquals(Isolation.CHROOT, choice.isolation());
    assertTrue(choice.reason().contains("cgroups in hybrid mode not supported"), choice.reason());
    assertTrue(choice.reason().contains("runc: not installed"), choice.reason());
    // The fallback really runs steps.
    Path rootfs = TestRootfs.extractBusybox(tmp.resolve("rootfs"));
    CollectedOutput out = new CollectedOutput();
    assertTrue(
        choice.sandbox().run(RunRequest.builder(rootfs, List.of("true")).build(), out).succeeded(),
        out.all());
  }

  @Test
  void ociRequestedWithoutAWorkingRuntimeIsAnErrorThatSaysWhatToDo() throws Exception {
    SandboxException e =
        assertThrows(
            SandboxException.class,
            () ->
                SandboxSelector.select(
                    Isolation.OCI,
                    settings(),
                    List.of(new SandboxSelector.Candidate("crun", Optional.of(brokenRuntime())))));
    assertTrue(
        e.getMessage().startsWith("--isolation=oci: no working OCI runtime"), e.getMessage());
    assertTrue(e.getMessage().contains("--isolation=chroot"), e.getMessage());
  }

  @Test
  void onThisMachineAutoChoosesRuncAndTriesItOncePerProcess() {
    SandboxChoice first = SandboxSelector.select(Isolation.AUTO, settings());
    int runs = SandboxSelector.probeRuns();
    SandboxChoice second = SandboxSelector.select(Isolation.AUTO, settings());
    assertEquals(runs, SandboxSelector.probeRuns(), "the test container runs once per process");
    assertEquals(first.reason(), second.reason());
    assertEquals(Isolation.OCI, first.isolation(), first.reason());
    System.out.println("--isolation=auto on this machine: " + first);
  }

  @Test
  void chrootIsChosenWhenAsked() {
    SandboxChoice choice = SandboxSelector.select(Isolation.CHROOT, settings());
    assertEquals(Isolation.CHROOT, choice.isolation());
    assertEquals("chroot: requested with --isolation=chroot", choice.toString());
  }
}
