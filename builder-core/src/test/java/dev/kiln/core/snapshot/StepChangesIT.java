package dev.kiln.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.sandbox.CollectedOutput;
import dev.kiln.core.sandbox.Isolation;
import dev.kiln.core.sandbox.MountTable;
import dev.kiln.core.sandbox.ProcessScan;
import dev.kiln.core.sandbox.RunRequest;
import dev.kiln.core.sandbox.RunResult;
import dev.kiln.core.sandbox.Sandbox;
import dev.kiln.core.sandbox.SandboxMount;
import dev.kiln.core.sandbox.SandboxSelector;
import dev.kiln.core.sandbox.SandboxSettings;
import dev.kiln.core.sandbox.TestRootfs;
import dev.kiln.core.snapshot.SnapshotDiff.Change;
import dev.kiln.core.snapshot.SnapshotDiff.ChangeKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real steps in both sandboxes over both snapshotters, on the busybox base from testdata: what each
 * kind of change looks like in the diff. Every test also checks that the diff applied to the tree
 * before the step gives exactly the tree after it.
 */
class StepChangesIT {
  @TempDir Path tmp;
  private Path base;

  static Stream<Arguments> backends() {
    List<Arguments> all = new ArrayList<>();
    for (Isolation isolation : List.of(Isolation.OCI, Isolation.CHROOT)) {
      for (SnapshotterKind kind : List.of(SnapshotterKind.OVERLAY, SnapshotterKind.COPY)) {
        all.add(Arguments.of(isolation, kind));
      }
    }
    return all.stream();
  }

  @BeforeEach
  void extractBase() {
    base = TestRootfs.extractBusybox(tmp.resolve("layers/base"));
  }

  /** Checks on a diff, run while its snapshot (and so its sources) still exists. */
  interface DiffCheck {
    void check(SnapshotDiff diff) throws Exception;
  }

  /**
   * Runs {@code script} as one step over {@code layers}, checks its diff against the trees before
   * and after, and hands it to {@code check} before the snapshot is closed.
   */
  private void step(
      Isolation isolation,
      SnapshotterKind kind,
      List<Path> layers,
      String script,
      Consumer<RunRequest.Builder> options,
      Consumer<Path> beforeDiff,
      DiffCheck check)
      throws Exception {
    Snapshotter snapshotter =
        SnapshotterSelector.select(kind, tmp.resolve("snapshots")).snapshotter();
    assertEquals(kind, snapshotter.kind());
    Sandbox sandbox =
        SandboxSelector.select(isolation, SandboxSettings.forCurrentUser(tmp.resolve("state")))
            .sandbox();
    try (Snapshot snapshot = snapshotter.prepare(layers)) {
      Map<String, TreeListing.Entry> before = TreeListing.of(snapshot.rootfs());
      RunRequest.Builder request =
          RunRequest.builder(snapshot.rootfs(), List.of("/bin/sh", "-c", script));
      options.accept(request);
      CollectedOutput out = new CollectedOutput();
      RunResult result = sandbox.run(request.build(), out);
      assertTrue(result.succeeded(), result + "\n" + out.all());
      beforeDiff.accept(snapshot.rootfs());
      SnapshotDiff diff = snapshot.diff();
      assertEquals(
          TreeListing.of(snapshot.rootfs()), TreeListing.apply(before, diff), diff.summary());
      for (Change change : diff.changes()) {
        assertTrue(
            change.source().map(p -> p.startsWith(tmp.resolve("snapshots"))).orElse(true),
            "sources are in the snapshot: " + change);
      }
      check.check(diff);
    }
  }

  private void step(Isolation isolation, SnapshotterKind kind, String script, DiffCheck check)
      throws Exception {
    step(isolation, kind, List.of(base), script, r -> {}, p -> {}, check);
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void createdFilesAndDirectoriesAreAdded(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    step(
        isolation,
        kind,
        "echo hi > /root/new && mkdir -p /opt/app/bin && echo x > /opt/app/bin/tool",
        diff -> {
          assertEquals(
              "A opt\nA opt/app\nA opt/app/bin\nA opt/app/bin/tool\nM root\nA root/new\n",
              diff.summary());
          assertEquals("hi\n", Files.readString(source(diff, "root/new")));
        });
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void deletedBaseFilesAreDeletions(Isolation isolation, SnapshotterKind kind) throws Exception {
    step(
        isolation,
        kind,
        "rm /etc/group && rm -r /home/kiln",
        diff -> {
          assertEquals("M etc\nD etc/group\nM home\nD home/kiln\n", diff.summary());
          assertTrue(diff.find("etc/group").orElseThrow().source().isEmpty());
        });
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void aDirectoryReplacedByAFileAndAFileByADirectory(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    step(
        isolation,
        kind,
        "rm -r /usr/sbin && echo now-a-file > /usr/sbin"
            + " && rm /etc/passwd && mkdir /etc/passwd && touch /etc/passwd/inside",
        diff -> {
          assertEquals(
              "M etc\nM etc/passwd\nA etc/passwd/inside\nM usr\nM usr/sbin\n", diff.summary());
          assertTrue(Files.isRegularFile(source(diff, "usr/sbin")));
          assertTrue(Files.isDirectory(source(diff, "etc/passwd")));
        });
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void aRecreatedDirectoryHidesWhatWasBelow(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    step(
        isolation,
        kind,
        "rm -r /usr/sbin && mkdir /usr/sbin && echo x > /usr/sbin/only",
        diff -> {
          assertEquals(ChangeKind.ADDED, diff.find("usr/sbin/only").orElseThrow().kind());
          Change dir = diff.find("usr/sbin").orElseThrow();
          if (kind == SnapshotterKind.OVERLAY) {
            // overlayfs records the recreation as an opaque directory...
            assertEquals(ChangeKind.OPAQUE_DIR, dir.kind());
            assertEquals("M usr\nO usr/sbin\nA usr/sbin/only\n", diff.summary());
          } else {
            // ...the tree walk as one deletion per entry that was there; both give the same tree.
            assertEquals(
                ChangeKind.DELETED,
                diff.find("usr/sbin/chroot").orElseThrow().kind(),
                diff.summary());
          }
        });
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void hardLinksShareTheirSource(Isolation isolation, SnapshotterKind kind) throws Exception {
    step(
        isolation,
        kind,
        "echo data > /root/a && ln /root/a /root/b && ln /bin/busybox /bin/bb-link",
        diff -> {
          assertEquals("M bin\nA bin/bb-link\nM root\nA root/a\nA root/b\n", diff.summary());
          assertEquals(
              Files.readAttributes(source(diff, "root/a"), "unix:ino").get("ino"),
              Files.readAttributes(source(diff, "root/b"), "unix:ino").get("ino"));
          assertEquals(
              -1L, Files.mismatch(source(diff, "bin/bb-link"), base.resolve("bin/busybox")));
        });
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void symlinksAreRecordedAsLinks(Isolation isolation, SnapshotterKind kind) throws Exception {
    step(
        isolation,
        kind,
        "ln -s /etc/passwd /root/pw && ln -sfn ../bin/busybox /bin/ls && ln -s nowhere /root/dangling",
        diff -> {
          assertEquals("M bin\nM bin/ls\nM root\nA root/dangling\nA root/pw\n", diff.summary());
          assertEquals(Path.of("../bin/busybox"), Files.readSymbolicLink(source(diff, "bin/ls")));
          assertEquals(Path.of("/etc/passwd"), Files.readSymbolicLink(source(diff, "root/pw")));
        });
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void modesOwnersAndSpecialBitsAreChanges(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    step(
        isolation,
        kind,
        "chmod 600 /etc/passwd && chown 1000:100 /etc/group && touch /usr/bin/tool"
            + " && chmod 4755 /usr/bin/tool && mkdir /srv && chmod 3775 /srv",
        diff -> {
          assertEquals(
              "M etc/group\nM etc/passwd\nA srv\nM usr/bin\nA usr/bin/tool\n", diff.summary());
          assertEquals(0600, mode(source(diff, "etc/passwd")));
          Map<String, Object> group =
              Files.readAttributes(source(diff, "etc/group"), "unix:uid,gid");
          assertEquals(1000, group.get("uid"));
          assertEquals(100, group.get("gid"));
          assertEquals(04755, mode(source(diff, "usr/bin/tool")));
          assertEquals(03775, mode(source(diff, "srv")));
        });
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void newContentWithTheSameSizeAndMtimeIsStillAChange(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    step(
        isolation,
        kind,
        "sed -i 's/kiln/nlik/' /etc/passwd && touch -r /etc/group /etc/passwd && touch -r /etc/group /etc",
        diff -> assertEquals("M etc/passwd\n", diff.summary()));
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void touchingWithoutChangingIsNoChange(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    // chown to the same owner makes overlayfs copy the file up and sets its ctime.
    step(
        isolation,
        kind,
        "chown root:root /etc/passwd /bin/busybox && cat /etc/group > /dev/null",
        diff -> assertEquals("", diff.summary()));
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void fileCapabilitiesTravelAsExtendedAttributes(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    // cap_net_bind_service+ep, as `setcap` writes it (VFS_CAP_REVISION_2).
    String capability = "0x0100000200040000000000000000000000000000";
    step(
        isolation,
        kind,
        List.of(base),
        "cp /bin/busybox /usr/bin/server",
        r -> {},
        rootfs ->
            host(
                "set a capability",
                "setfattr",
                "-n",
                "security.capability",
                "-v",
                capability,
                rootfs.resolve("usr/bin/server").toString()),
        diff -> {
          Change server = diff.find("usr/bin/server").orElseThrow();
          assertEquals(ChangeKind.ADDED, server.kind());
          assertEquals(
              List.of(new Xattr("security.capability", capability.substring(2))), server.xattrs());
        });
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void mountPointsAndGeneratedFilesNeverAppear(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    Path cacheDir = Files.createDirectories(tmp.resolve("cache"));
    Path secret = Files.writeString(tmp.resolve("secret"), "s3cr3t");
    step(
        isolation,
        kind,
        List.of(base),
        "echo c > /var/cache/apt/x && echo t > /tmp/scratch/t && cat /run/secrets/token > /dev/null"
            + " && test -s /etc/hosts && test -s /etc/resolv.conf",
        r ->
            r.mount(new SandboxMount.Bind(cacheDir, "/var/cache/apt", false))
                .mount(new SandboxMount.Tmpfs("/tmp/scratch", 0))
                .mount(new SandboxMount.Bind(secret, "/run/secrets/token", true))
                .hostname("stepbox"),
        p -> {},
        diff -> assertEquals("", diff.summary()));
    assertTrue(Files.exists(cacheDir.resolve("x")));
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void aCreatedWorkingDirectoryIsAChange(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    step(
        isolation,
        kind,
        List.of(base),
        "true",
        r -> r.workingDir("/app/src"),
        p -> {},
        diff -> assertEquals("A app\nA app/src\n", diff.summary()));
  }

  private static Path source(SnapshotDiff diff, String path) {
    return diff.find(path)
        .orElseThrow(() -> new AssertionError(path + " not in\n" + diff.summary()))
        .source()
        .orElseThrow();
  }

  private static int mode(Path path) throws Exception {
    return (Integer) Files.readAttributes(path, "unix:mode").get("mode") & 07777;
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void aTimedOutStepLeavesNoMountsOrProcesses(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    String marker = "7654" + isolation.ordinal() + kind.ordinal();
    Snapshotter snapshotter =
        SnapshotterSelector.select(kind, tmp.resolve("snapshots")).snapshotter();
    Sandbox sandbox =
        SandboxSelector.select(isolation, SandboxSettings.forCurrentUser(tmp.resolve("state")))
            .sandbox();
    try (Snapshot snapshot = snapshotter.prepare(List.of(base))) {
      RunResult result =
          sandbox.run(
              RunRequest.builder(
                      snapshot.rootfs(),
                      List.of("/bin/sh", "-c", "sleep " + marker + " & sleep " + marker))
                  .mount(new SandboxMount.Tmpfs("/scratch", 0))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              new CollectedOutput());
      assertTrue(result.timedOut());
      assertEquals(List.of(), ProcessScan.withMarker("sleep " + marker));
      List<Path> mounted = MountTable.mountPointsUnder(tmp);
      assertEquals(
          kind == SnapshotterKind.OVERLAY ? List.of(snapshot.rootfs()) : List.of(), mounted);
    }
    assertEquals(List.of(), MountTable.mountPointsUnder(tmp));
    try (Stream<Path> left = Files.list(tmp.resolve("snapshots"))) {
      assertEquals(List.of(), left.toList());
    }
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void layersAboveTheBaseAreMergedLikeOverlayfs(Isolation isolation, SnapshotterKind kind)
      throws Exception {
    // A second layer in overlayfs form: /etc/group whited out, /usr/sbin opaque with one file,
    // a new /opt/x.
    Path top = Files.createDirectories(tmp.resolve("layers/top"));
    Files.createDirectories(top.resolve("etc"));
    host("mknod", "mknod", top.resolve("etc/group").toString(), "c", "0", "0");
    Files.createDirectories(top.resolve("usr/sbin"));
    Files.writeString(top.resolve("usr/sbin/lonely"), "alone\n");
    host(
        "setfattr",
        "setfattr",
        "-n",
        "trusted.overlay.opaque",
        "-v",
        "y",
        top.resolve("usr/sbin").toString());
    Files.createDirectories(top.resolve("opt"));
    Files.writeString(top.resolve("opt/x"), "x\n");
    step(
        isolation,
        kind,
        List.of(base, top),
        "test ! -e /etc/group && test \"$(ls /usr/sbin)\" = lonely && test -e /etc/passwd"
            + " && rm /opt/x && echo again > /etc/group && echo more > /usr/sbin/second",
        r -> {},
        p -> {},
        diff ->
            assertEquals(
                "M etc\nA etc/group\nM opt\nD opt/x\nM usr/sbin\nA usr/sbin/second\n",
                diff.summary()));
  }

  @ParameterizedTest(name = "{0} + {1}")
  @MethodSource("backends")
  void anEmptyLayerListIsScratch(Isolation isolation, SnapshotterKind kind) throws Exception {
    Snapshotter snapshotter =
        SnapshotterSelector.select(kind, tmp.resolve("snapshots")).snapshotter();
    try (Snapshot snapshot = snapshotter.prepare(List.of())) {
      try (Stream<Path> entries = Files.list(snapshot.rootfs())) {
        assertEquals(0, entries.count());
      }
      Files.writeString(snapshot.rootfs().resolve("hello"), "world");
      assertEquals("A hello\n", snapshot.diff().summary());
    }
    assertFalse(
        Files.exists(tmp.resolve("snapshots"))
            && Files.list(tmp.resolve("snapshots")).findAny().isPresent());
  }

  /** Runs a host command the test needs, failing the test with what it printed. */
  private static void host(String what, String... command) {
    try {
      HostCommand.of(command).run().requireSuccess(what);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
