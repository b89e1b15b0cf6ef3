package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.host.HostCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kiln run as an unprivileged user ({@code nobody}, through {@code setpriv}) in a second JVM: what
 * works rootless with a single id mapping, and what subordinate id ranges add. The ranges are given
 * to {@code newuidmap} through a private mount namespace in which {@code /etc/subuid} and {@code
 * /etc/subgid} are test files, so the host's files are never touched.
 */
class RootlessSandboxIT {
  private static final int NOBODY = 65534;

  @TempDir Path tmp;
  private Path rootfs;
  private Path classpath;

  @BeforeEach
  void prepare() throws Exception {
    // Everything the unprivileged JVM reads must be reachable by it: the temp dir, a copy of the
    // classpath (the Maven repository is private to root), and a rootfs it owns, as a rootless
    // user's own extraction would be.
    Files.setPosixFilePermissions(
        tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    rootfs = TestRootfs.extractBusybox(tmp.resolve("rootfs"));
    run("chown", "-R", NOBODY + ":" + NOBODY, rootfs.toString());
    Files.createDirectories(tmp.resolve("state"));
    run("chown", NOBODY + ":" + NOBODY, tmp.resolve("state").toString());
    classpath = Files.createDirectories(tmp.resolve("cp"));
    List<Class<?>> anchors =
        List.of(
            RootlessStepMain.class,
            Sandbox.class,
            dev.kiln.cache.store.TreeDeletion.class,
            ObjectMapper.class,
            JsonFactory.class,
            JsonProperty.class);
    for (Class<?> anchor : anchors) {
      Path source = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      run("cp", "-r", source.toString(), classpath.resolve(anchor.getSimpleName()).toString());
    }
    run("chmod", "-R", "a+rX", classpath.toString());
  }

  private static HostCommand.Result run(String... command) throws IOException {
    return HostCommand.of(command).run().requireSuccess(String.join(" ", command));
  }

  /** Runs a step as nobody, optionally with subordinate ranges for nobody; returns its report. */
  private List<String> asNobody(
      Isolation isolation, String user, NetworkMode network, String script, boolean ranges)
      throws Exception {
    return asNobody(isolation, user, network, script, ranges, List.of());
  }

  private List<String> asNobody(
      Isolation isolation,
      String user,
      NetworkMode network,
      String script,
      boolean ranges,
      List<String> extra)
      throws Exception {
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.add("-cp");
    List<String> entries = new ArrayList<>();
    try (var list = Files.list(classpath)) {
      list.forEach(p -> entries.add(p.toString()));
    }
    java.add(String.join(":", entries));
    java.add(RootlessStepMain.class.getName());
    java.addAll(
        List.of(
            isolation.optionValue(),
            rootfs.toString(),
            tmp.resolve("state").toString(),
            user,
            network.optionValue(),
            script));
    java.addAll(extra);

    List<String> command = new ArrayList<>();
    if (ranges) {
      Path subuid = Files.writeString(tmp.resolve("subuid"), "nobody:200000:65536\n");
      Path subgid = Files.writeString(tmp.resolve("subgid"), "nobody:200000:65536\n");
      command.addAll(
          List.of(
              "unshare",
              "--mount",
              "--propagation",
              "private",
              "--",
              "sh",
              "-c",
              "mount --bind \"$1\" /etc/subuid && mount --bind \"$2\" /etc/subgid && shift 2 && exec \"$@\"",
              "sh",
              subuid.toString(),
              subgid.toString()));
    }
    command.addAll(
        List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
    command.addAll(java);
    HostCommand.Result result =
        HostCommand.of(command)
            .in(tmp)
            .withEnvironment(Map.of("HOME", tmp.toString(), "USER", "nobody"))
            .timeout(Duration.ofMinutes(2))
            .run();
    List<String> lines = List.of(result.stdout().split("\n"));
    assertTrue(result.succeeded(), result.describeFailure() + "\n" + result.stdout());
    System.out.println(
        isolation + " rootless" + (ranges ? " with ranges" : "") + ": " + lines.get(0));
    return lines;
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void rootInsideIsTheInvokingUserOutside(Isolation isolation) throws Exception {
    List<String> report =
        asNobody(
            isolation,
            "",
            NetworkMode.DEFAULT,
            "id -u; grep -c . /proc/self/uid_map; hostname; touch /made-here && echo wrote; ls /dev/null",
            false);
    assertEquals(
        List.of("LINE 0", "LINE 1", "LINE rootless", "LINE wrote", "LINE /dev/null", "EXIT 0"),
        report.subList(1, report.size()));
    assertEquals(NOBODY, Files.getAttribute(rootfs.resolve("made-here"), "unix:uid"));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void otherUsersNeedSubordinateIds(Isolation isolation) throws Exception {
    List<String> report = asNobody(isolation, "kiln", NetworkMode.DEFAULT, "id", false);
    assertTrue(
        report.get(1).startsWith("ERROR the step runs as 1000:1000 groups=[100]"),
        report.toString());
    assertTrue(report.get(1).contains("/etc/subuid"), report.toString());
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void networkNoneWorksRootless(Isolation isolation) throws Exception {
    List<String> report =
        asNobody(
            isolation,
            "",
            NetworkMode.NONE,
            "sed -n 's/^ *\\([^:]*\\):.*/\\1/p' /proc/net/dev",
            false);
    assertEquals(List.of("LINE lo", "EXIT 0"), report.subList(1, report.size()));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void aPrivilegedStepHasEveryCapabilityInItsUserNamespace(Isolation isolation) throws Exception {
    String script =
        "grep CapEff /proc/self/status | cut -f2;"
            + " awk '$2 == \"/sys\" {split($4, o, \",\"); print o[1]}' /proc/mounts;"
            + " mount -t tmpfs none /tmp && echo mounted";
    List<String> sandboxed = asNobody(isolation, "", NetworkMode.DEFAULT, script, false);
    assertEquals("LINE 00000000a80425fb", sandboxed.get(1), sandboxed.toString());
    assertEquals("LINE ro", sandboxed.get(2), sandboxed.toString());
    List<String> privileged =
        asNobody(isolation, "", NetworkMode.DEFAULT, script, false, List.of("insecure"));
    // Every capability the kernel has: a user namespace starts with a full bounding set, even
    // where kiln's own lacks one.
    int last =
        Integer.parseInt(
            Files.readAllLines(Path.of("/proc/sys/kernel/cap_last_cap")).get(0).trim());
    String all = String.format("%016x", (1L << (last + 1)) - 1);
    assertEquals(
        List.of("LINE " + all, "LINE rw", "LINE mounted", "EXIT 0"),
        privileged.subList(1, privileged.size()));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void theCopySnapshotterWorksOnLayersTheUserOwns(Isolation isolation) throws Exception {
    // Without root there is no overlayfs in kiln's namespace; a rootless extraction leaves the
    // layer owned by the user, which is root inside the step.
    List<String> report =
        asNobody(
            isolation,
            "",
            NetworkMode.DEFAULT,
            "rm /etc/group && echo hi > /root/new",
            false,
            List.of("copy-snapshot"));
    assertTrue(
        report.get(0).startsWith("SNAPSHOTTER copy: overlayfs needs root"), report.toString());
    assertEquals(
        List.of("EXIT 0", "DIFF M etc", "DIFF D etc/group", "DIFF M root", "DIFF A root/new"),
        report.subList(2, report.size()));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void subordinateRangesGiveRealUsersAndChown(Isolation isolation) throws Exception {
    String script = "echo $(id -u) $(id -g) $(id -G); touch /tmp/by-kiln && echo wrote";
    List<String> report = asNobody(isolation, "1000:1000", NetworkMode.DEFAULT, script, true);
    assertEquals(
        List.of("LINE 1000 1000 1000", "LINE wrote", "EXIT 0"), report.subList(1, report.size()));
    List<String> withGroups = asNobody(isolation, "kiln", NetworkMode.DEFAULT, script, true);
    if (isolation == Isolation.CHROOT) {
      assertEquals(
          List.of("LINE 1000 1000 1000 100", "LINE wrote", "EXIT 0"),
          withGroups.subList(1, withGroups.size()));
    } else {
      // runc refuses supplementary groups whenever it is not run as root.
      assertTrue(
          withGroups
              .get(1)
              .startsWith(
                  "ERROR the step runs as 1000:1000 groups=[100], but runc cannot set supplementary"),
          withGroups.toString());
    }
    // Container uid 1000 is host uid 200000 + 1000 - 1.
    assertEquals(200999, Files.getAttribute(rootfs.resolve("tmp/by-kiln"), "unix:uid"));

    List<String> chown =
        asNobody(
            isolation,
            "",
            NetworkMode.DEFAULT,
            "touch /owned && chown 1000:100 /owned && stat -c '%u:%g' /owned",
            true);
    assertEquals(List.of("LINE 1000:100", "EXIT 0"), chown.subList(1, chown.size()));
    assertEquals(200999, Files.getAttribute(rootfs.resolve("owned"), "unix:uid"));
    assertEquals(200099, Files.getAttribute(rootfs.resolve("owned"), "unix:gid"));
  }
}
