package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a step sees and what it leaves behind, run for real as root in both backends on the busybox
 * base from testdata.
 */
class SandboxBehaviourIT {
  @TempDir Path tmp;
  private Path rootfs;
  private SandboxSettings settings;

  @BeforeEach
  void extractRootfs() {
    rootfs = TestRootfs.extractBusybox(tmp.resolve("rootfs"));
    settings = SandboxSettings.forCurrentUser(tmp.resolve("state"));
  }

  private Sandbox sandbox(Isolation isolation) {
    SandboxChoice choice = SandboxSelector.select(isolation, settings);
    assertEquals(isolation, choice.isolation(), choice.reason());
    return choice.sandbox();
  }

  private RunRequest.Builder shell(String script) {
    return RunRequest.builder(rootfs, List.of("/bin/sh", "-c", script));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void streamsStdoutAndStderrLineByLine(Isolation isolation) throws Exception {
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        sandbox(isolation)
            .run(shell("echo one; echo two >&2; echo three; printf 'no newline'").build(), out);
    assertTrue(result.succeeded(), out.all());
    assertEquals(List.of("one", "three", "no newline"), out.stdout());
    assertEquals(List.of("two"), out.stderr());
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void returnsExitCodeAndLastLines(Isolation isolation) throws Exception {
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        sandbox(isolation)
            .run(
                shell("i=1; while [ $i -le 30 ]; do echo line$i; i=$((i+1)); done; exit 7").build(),
                out);
    assertEquals(7, result.exitCode());
    assertFalse(result.succeeded());
    assertFalse(result.timedOut());
    List<String> expected = new ArrayList<>();
    for (int i = 11; i <= 30; i++) {
      expected.add("line" + i);
    }
    assertEquals(expected, result.lastLines());
    assertEquals("exit code 7", result.describe());
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void missingCommandFails(Isolation isolation) throws Exception {
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        sandbox(isolation)
            .run(RunRequest.builder(rootfs, List.of("/no/such/program")).build(), out);
    assertNotEquals(0, result.exitCode());
    assertTrue(out.all().contains("/no/such/program"), out.all());
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void passesTheEnvironmentExactly(Isolation isolation) throws Exception {
    List<String> env =
        List.of(
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
            "A=1",
            "spring.profiles.active=dev",
            "WITH_SPACE=a b  c",
            "EMPTY=",
            "QUOTE=it's \"quoted\" $HOME");
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        sandbox(isolation).run(RunRequest.builder(rootfs, List.of("env")).env(env).build(), out);
    assertTrue(result.succeeded(), out.all());
    Set<String> expected = new HashSet<>(env);
    expected.add("HOME=/root"); // as runc does: from /etc/passwd when the image sets none
    assertEquals(expected, new HashSet<>(out.stdout()));

    CollectedOutput user = new CollectedOutput();
    sandbox(isolation)
        .run(
            RunRequest.builder(rootfs, List.of("env"))
                .env(List.of("PATH=/usr/bin", "HOME="))
                .user(UserResolver.resolve(rootfs, "kiln"))
                .build(),
            user);
    assertEquals(Set.of("PATH=/usr/bin", "HOME=/home/kiln"), new HashSet<>(user.stdout()));
    CollectedOutput own = new CollectedOutput();
    sandbox(isolation)
        .run(
            RunRequest.builder(rootfs, List.of("env"))
                .env(List.of("PATH=/usr/bin", "HOME=/srv"))
                .build(),
            own);
    assertEquals(Set.of("PATH=/usr/bin", "HOME=/srv"), new HashSet<>(own.stdout()));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void createsAMissingWorkingDirectoryAsDockerDoes(Isolation isolation) throws Exception {
    CollectedOutput out = new CollectedOutput();
    RunResult result = sandbox(isolation).run(shell("pwd").workingDir("/work/dir").build(), out);
    assertTrue(result.succeeded(), out.all());
    assertEquals(List.of("/work/dir"), out.stdout());
    Path created = rootfs.resolve("work/dir");
    assertTrue(Files.isDirectory(created, LinkOption.NOFOLLOW_LINKS));
    Map<String, Object> attrs = Files.readAttributes(created, "unix:mode,uid,gid");
    assertEquals(040755, attrs.get("mode"));
    assertEquals(0, attrs.get("uid"));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void runsAsTheResolvedUserWithSupplementaryGroups(Isolation isolation) throws Exception {
    Sandbox sandbox = sandbox(isolation);
    // The primary group is always among the groups, as containerd and BuildKit set them.
    assertEquals(
        List.of("1000 1000 [100 1000]", "kiln"),
        identity(sandbox, UserResolver.resolve(rootfs, "kiln")));
    assertEquals(
        List.of("1000 100 [100]", "kiln"),
        identity(sandbox, UserResolver.resolve(rootfs, "kiln:users")));
    assertEquals(
        List.of("4242 4343 [4343]", "4242"),
        identity(sandbox, UserResolver.resolve(rootfs, "4242:4343")));
    assertEquals(List.of("0 0 [0]", "root"), identity(sandbox, UserResolver.resolve(rootfs, "")));
  }

  /** "uid gid supplementary-groups" from the kernel, then the user name as `id -un` says. */
  private List<String> identity(Sandbox sandbox, ResolvedUser user) throws InterruptedException {
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        sandbox.run(
            shell(
                    "set -- $(grep ^Uid: /proc/self/status); u=$2;"
                        + " set -- $(grep ^Gid: /proc/self/status); g=$2;"
                        + " groups=$(grep ^Groups: /proc/self/status | cut -f2 | tr -d '\\n');"
                        + " echo \"$u $g [$groups]\"; id -un 2>/dev/null; true")
                .user(user)
                .build(),
            out);
    assertTrue(result.succeeded(), out.all());
    return out.stdout().stream().map(s -> s.replaceAll("\\s+]", "]")).toList();
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void networkNoneHasOnlyLoopbackAndCannotReachTheHost(Isolation isolation) throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger requests = new AtomicInteger();
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          byte[] body = "hello-from-host".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      int port = server.getAddress().getPort();
      Sandbox sandbox = sandbox(isolation);
      String script =
          "sed -n 's/^ *\\([^:]*\\):.*/\\1/p' /proc/net/dev; wget -q -O - http://127.0.0.1:"
              + port
              + "/ && echo reached";

      CollectedOutput none = new CollectedOutput();
      RunResult isolated = sandbox.run(shell(script).network(NetworkMode.NONE).build(), none);
      assertTrue(isolated.succeeded() || !none.stdout().contains("reached"), none.all());
      assertEquals(List.of("lo"), none.stdout(), none.all());
      assertEquals(0, requests.get());

      CollectedOutput host = new CollectedOutput();
      RunResult shared = sandbox.run(shell(script).network(NetworkMode.HOST).build(), host);
      assertTrue(shared.succeeded(), host.all());
      assertTrue(host.stdout().contains("hello-from-hostreached"), host.all());
      assertEquals(1, requests.get());

      CollectedOutput defaults = new CollectedOutput();
      RunResult byDefault = sandbox.run(shell(script).build(), defaults);
      assertTrue(byDefault.succeeded(), "default is the host network for now: " + defaults.all());
      assertEquals(2, requests.get());
    } finally {
      server.stop(0);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void hostsResolvConfAndHostnameAreTheStepsAndLeaveNothingBehind(Isolation isolation)
      throws Exception {
    FileTime etcBefore = Files.getLastModifiedTime(rootfs.resolve("etc"));
    assertFalse(Files.exists(rootfs.resolve("etc/hosts")));
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        sandbox(isolation)
            .run(
                shell(
                        "cat /etc/hosts; echo ---; cat /etc/resolv.conf; echo ---; hostname;"
                            + " echo 1.2.3.4 evil >> /etc/hosts && echo wrote-hosts")
                    .hostname("buildbox")
                    .addHost(new HostEntry("registry.local", "10.1.2.3"))
                    .build(),
                out);
    assertFalse(out.stdout().contains("wrote-hosts"), "hosts must be read-only: " + out.all());
    String expectedHosts =
        "127.0.0.1\tlocalhost buildbox\n::1\tlocalhost ip6-localhost ip6-loopback\n10.1.2.3\tregistry.local\n";
    String expectedResolv =
        ResolvConf.render(Files.readString(Path.of("/etc/resolv.conf")), NetworkMode.DEFAULT);
    String expected =
        expectedHosts
            + "---\n"
            + expectedResolv
            + (expectedResolv.endsWith("\n") ? "" : "\n")
            + "---\nbuildbox\n";
    assertEquals(expected, String.join("\n", out.stdout()) + "\n");
    assertFalse(result.succeeded());
    assertFalse(Files.exists(rootfs.resolve("etc/hosts"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(rootfs.resolve("etc/resolv.conf"), LinkOption.NOFOLLOW_LINKS));
    assertEquals(etcBefore, Files.getLastModifiedTime(rootfs.resolve("etc")));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void existingHostsFileIsCoveredNotChanged(Isolation isolation) throws Exception {
    Files.writeString(rootfs.resolve("etc/hosts"), "10.0.0.1 original\n");
    CollectedOutput out = new CollectedOutput();
    sandbox(isolation).run(shell("cat /etc/hosts").build(), out);
    assertTrue(out.stdout().get(0).startsWith("127.0.0.1\tlocalhost"), out.all());
    assertEquals("10.0.0.1 original\n", Files.readString(rootfs.resolve("etc/hosts")));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void hasMinimalDevProcAndReadOnlySys(Isolation isolation) throws Exception {
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        sandbox(isolation)
            .run(
                shell(
                        "ls /dev | sort | tr '\\n' ' '; echo; echo x > /dev/null && echo null-ok;"
                            + " head -c 8 /dev/urandom | wc -c; head -c 3 /dev/zero | wc -c;"
                            + " test -d /proc/self/fd && echo proc-ok;"
                            + " touch /sys/kernel/kiln 2>/dev/null || echo sys-ro;"
                            + " echo 1 > /proc/sys/kernel/hostname 2>/dev/null || echo proc-sys-ro")
                    .build(),
                out);
    assertTrue(result.succeeded(), out.all());
    Set<String> dev = Set.of(out.stdout().get(0).trim().split(" "));
    for (String node :
        List.of("null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm")) {
      assertTrue(dev.contains(node), node + " missing from /dev: " + dev);
    }
    assertEquals(
        List.of("null-ok", "8", "3", "proc-ok", "sys-ro", "proc-sys-ro"),
        out.stdout().subList(1, 7));
    try (Stream<Path> left = Files.list(rootfs.resolve("dev"))) {
      assertEquals(0, left.count(), "the rootfs's /dev stays empty");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void rootGetsDockersDefaultCapabilitiesAndOthersNone(Isolation isolation) throws Exception {
    Map<String, Integer> numbers =
        Map.ofEntries(
            Map.entry("CAP_CHOWN", 0),
            Map.entry("CAP_DAC_OVERRIDE", 1),
            Map.entry("CAP_FOWNER", 3),
            Map.entry("CAP_FSETID", 4),
            Map.entry("CAP_KILL", 5),
            Map.entry("CAP_SETGID", 6),
            Map.entry("CAP_SETUID", 7),
            Map.entry("CAP_SETPCAP", 8),
            Map.entry("CAP_NET_BIND_SERVICE", 10),
            Map.entry("CAP_NET_RAW", 13),
            Map.entry("CAP_SYS_CHROOT", 18),
            Map.entry("CAP_MKNOD", 27),
            Map.entry("CAP_AUDIT_WRITE", 29),
            Map.entry("CAP_SETFCAP", 31));
    long mask = 0;
    for (String cap : ContainerDefaults.CAPABILITIES) {
      mask |= 1L << numbers.get(cap);
    }
    String expected = String.format("%016x", mask);
    Sandbox sandbox = sandbox(isolation);
    String script = "grep -E '^Cap(Eff|Bnd):' /proc/self/status | cut -f2";
    CollectedOutput root = new CollectedOutput();
    sandbox.run(shell(script).build(), root);
    assertEquals(List.of(expected, expected), root.stdout());
    CollectedOutput user = new CollectedOutput();
    sandbox.run(shell(script).user(new ResolvedUser(1000, 1000, List.of())).build(), user);
    assertEquals(List.of("0000000000000000", expected), user.stdout());
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void extraMountsWorkAndTheirMountPointsAreRemoved(Isolation isolation) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("file"), "from-host");
    Path outDir = Files.createDirectories(tmp.resolve("out"));
    Path single = Files.writeString(tmp.resolve("single-file"), "one file");
    FileTime rootBefore = Files.getLastModifiedTime(rootfs);
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        sandbox(isolation)
            .run(
                shell(
                        "cat /data/file; echo; touch /data/new 2>/dev/null || echo data-ro;"
                            + " echo written > /out/result; cat /run/secrets/one;  echo;"
                            + " echo t > /scratch/deep/t && grep ' /scratch ' /proc/mounts | grep -o 'size=[0-9]*k'")
                    .mount(new SandboxMount.Bind(data, "/data", true))
                    .mount(new SandboxMount.Bind(outDir, "/out", false))
                    .mount(new SandboxMount.Bind(single, "/run/secrets/one", true))
                    .mount(new SandboxMount.Tmpfs("/scratch", 1024 * 1024))
                    .mount(new SandboxMount.Tmpfs("/scratch/deep", 0))
                    .build(),
                out);
    assertTrue(result.succeeded(), out.all());
    assertEquals(List.of("from-host", "data-ro", "one file", "size=1024k"), out.stdout());
    assertEquals("written\n", Files.readString(outDir.resolve("result")));
    assertFalse(Files.exists(data.resolve("new")));
    for (String gone : List.of("data", "out", "run", "scratch")) {
      assertFalse(
          Files.exists(rootfs.resolve(gone), LinkOption.NOFOLLOW_LINKS), gone + " left behind");
    }
    assertEquals(rootBefore, Files.getLastModifiedTime(rootfs));
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void timeoutKillsTheWholeTreeAndLeavesNoMounts(Isolation isolation) throws Exception {
    String marker = "98765" + isolation.ordinal();
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        sandbox(isolation)
            .run(
                shell("sleep " + marker + " & sleep " + marker + " & echo started; wait")
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                out);
    assertTrue(result.timedOut());
    assertFalse(result.succeeded());
    assertEquals(List.of("started"), out.stdout());
    assertEquals(List.of(), ProcessScan.withMarker("sleep " + marker));
    assertEquals(List.of(), MountTable.mountPointsUnder(tmp));
    assertNoContainersLeft();
  }

  @ParameterizedTest
  @EnumSource(names = {"OCI", "CHROOT"})
  void interruptionKillsTheStepAndThrows(Isolation isolation) throws Exception {
    String marker = "87654" + isolation.ordinal();
    Sandbox sandbox = sandbox(isolation);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Thread runner =
        new Thread(
            () -> {
              try {
                RunResult result =
                    sandbox.run(shell("sleep " + marker).build(), OutputListener.DISCARD);
                outcome.set(new AssertionError("the step ended on its own: " + result));
              } catch (Throwable t) {
                outcome.set(t);
              }
            });
    runner.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (ProcessScan.withMarker("sleep " + marker).isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "the step never started");
      Thread.sleep(20);
    }
    runner.interrupt();
    runner.join(60_000);
    assertFalse(runner.isAlive());
    assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
    assertEquals(List.of(), ProcessScan.withMarker("sleep " + marker));
    assertEquals(List.of(), MountTable.mountPointsUnder(tmp));
    assertNoContainersLeft();
  }

  private void assertNoContainersLeft() throws IOException {
    Path state = settings.stateDir().resolve("runc-state");
    if (Files.isDirectory(state)) {
      try (Stream<Path> containers = Files.list(state)) {
        assertEquals(List.of(), containers.toList(), "runc still knows containers");
      }
    }
    Path steps = settings.stateDir().resolve("steps");
    if (Files.isDirectory(steps)) {
      try (Stream<Path> left = Files.list(steps)) {
        assertEquals(List.of(), left.toList(), "step directories left behind");
      }
    }
  }
}
