package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.core.sandbox.MountTable;
import dev.kiln.core.sandbox.ProcessScan;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUN end to end: real commands on the busybox base, built by the {@link Engine} into an OCI layout
 * and judged by umoci and commons-compress. Each subclass runs the same behaviour with one
 * isolation (oci/runc or chroot) and one snapshotter (overlay or copy), against its own store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RunBehaviour {
  private static final String FROM = "FROM " + RunFixture.BUSYBOX + "\n";

  RunFixture kiln;
  private HttpServer server;

  abstract String isolation();

  abstract String snapshotter();

  @BeforeAll
  void installBase(@TempDir Path work) throws Exception {
    kiln = new RunFixture(work, isolation(), snapshotter());
    kiln.installBusybox();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "reached\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterAll
  void stopServer() {
    server.stop(0);
  }

  @Test
  void runsWithTheRequestedIsolationAndSnapshotter() throws Exception {
    kiln.build(FROM + "RUN echo ran > /ran\n");
    List<String> notes = kiln.notes();
    assertTrue(
        notes.stream().anyMatch(n -> n.startsWith("RUN isolation " + isolation() + ": ")),
        notes.toString());
    assertTrue(
        notes.stream().anyMatch(n -> n.startsWith("RUN snapshots " + snapshotter() + ": ")),
        notes.toString());
  }

  @Test
  void createdFilesAndOnlyThemAreInTheLayer() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN echo hello > /hello.txt && mkdir -p /opt/app/sub && echo x > /opt/app/sub/f"
                + " && cat /etc/hosts /etc/resolv.conf > /dev/null && hostname > /dev/null\n");
    assertEquals("hello", image.text("/hello.txt"));
    assertEquals("x", image.text("/opt/app/sub/f"));
    assertEquals(0644, TreeFacts.mode(image.file("/hello.txt")));
    assertEquals(0755, TreeFacts.mode(image.file("/opt/app/sub")));
    assertEquals("0:0", TreeFacts.owner(image.file("/opt/app/sub/f")));
    // /etc/hosts, /etc/resolv.conf, /proc, /dev and /sys are the sandbox's, never the layer's.
    assertEquals(
        List.of("hello.txt", "opt", "opt/app", "opt/app/sub", "opt/app/sub/f"),
        sorted(image.lastLayer().names()),
        image.lastLayer().listing());
    assertFalse(Files.exists(image.file("/etc/hosts"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(image.file("/etc/resolv.conf"), LinkOption.NOFOLLOW_LINKS));
    assertEquals(2, image.manifest().path("layers").size());
  }

  @Test
  void deletedBaseFilesBecomeWhiteouts() throws Exception {
    RunImage image = kiln.build(FROM + "RUN rm /etc/group /bin/vi && rm -r /home/kiln\n");
    assertFalse(Files.exists(image.file("/etc/group"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(image.file("/bin/vi"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(image.file("/home/kiln"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isDirectory(image.file("/home")));
    assertTrue(Files.exists(image.file("/etc/passwd")));
    LayerTar layer = image.lastLayer();
    List<String> whiteouts = layer.names().stream().filter(n -> n.contains(".wh.")).toList();
    assertEquals(
        List.of("bin/.wh.vi", "etc/.wh.group", "home/.wh.kiln"),
        sorted(whiteouts),
        layer.listing());
    assertTrue(layer.names().stream().noneMatch(n -> n.startsWith("home/kiln/")), layer.listing());
    for (String w : whiteouts) {
      assertEquals('f', layer.entry(w).orElseThrow().type(), layer.listing());
    }
  }

  @Test
  void aDirectoryReplacedByAFileAndAFileByADirectory() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN mkdir -p /data/dir/sub && echo a > /data/dir/sub/a && echo b > /data/file\n"
                + "RUN rm -r /data/dir && echo now-a-file > /data/dir"
                + " && rm /data/file && mkdir /data/file && echo inside > /data/file/x\n");
    assertTrue(Files.isRegularFile(image.file("/data/dir"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("now-a-file", image.text("/data/dir"));
    assertTrue(Files.isDirectory(image.file("/data/file"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("inside", image.text("/data/file/x"));
    try (Stream<Path> list = Files.list(image.file("/data/file"))) {
      assertEquals(List.of("x"), list.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aRecreatedDirectoryHidesWhatWasBelow() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN mkdir -p /data/d && echo old > /data/d/old && echo keep > /data/keep\n"
                + "RUN rm -r /data/d && mkdir /data/d && echo new > /data/d/new\n");
    try (Stream<Path> list = Files.list(image.file("/data/d"))) {
      assertEquals(List.of("new"), list.map(p -> p.getFileName().toString()).toList());
    }
    assertEquals("keep", image.text("/data/keep"));
    LayerTar layer = image.lastLayer();
    assertTrue(
        layer.names().contains("data/d/.wh..wh..opq") || layer.names().contains("data/d/.wh.old"),
        layer.listing());
  }

  @Test
  void hardLinksShareOneInode() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN echo data > /a && ln /a /b && mkdir /x && ln /a /x/c"
                + " && ln /bin/busybox /bin/bb-link\n");
    long a = TreeFacts.inode(image.file("/a"));
    assertEquals(a, TreeFacts.inode(image.file("/b")));
    assertEquals(a, TreeFacts.inode(image.file("/x/c")));
    assertEquals(3, Files.getAttribute(image.file("/a"), "unix:nlink"));
    assertEquals("data", image.text("/x/c"));
    LayerTar layer = image.lastLayer();
    assertEquals(
        List.of("b", "bin/busybox", "x/c"),
        layer.entries().stream().filter(e -> e.type() == 'h').map(e -> e.name()).sorted().toList(),
        layer.listing());
    // A link to an unchanged base file stays a link, as containerd's change writer (BuildKit's
    // walking differ) keeps it: the base name is written beside the new one, and one of them is a
    // hard link to the other, so the bytes are in the layer once.
    assertEquals(
        TreeFacts.inode(image.file("/bin/busybox")), TreeFacts.inode(image.file("/bin/bb-link")));
    List<LayerTar.Entry> names =
        layer.entries().stream()
            .filter(e -> e.name().equals("bin/busybox") || e.name().equals("bin/bb-link"))
            .toList();
    assertEquals(2, names.size(), layer.listing());
    assertEquals(
        List.of('f', 'h'),
        names.stream().map(LayerTar.Entry::type).sorted().toList(),
        layer.listing());
  }

  @Test
  void symlinksKeepTheirTargets() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN mkdir /opt && ln -s ../etc/passwd /opt/pw && ln -s /nowhere /dangling"
                + " && ln -sf busybox /bin/ls.new && ln -sfn ../bin/busybox /usr/bin/awk\n");
    assertEquals("../etc/passwd", Files.readSymbolicLink(image.file("/opt/pw")).toString());
    assertEquals("/nowhere", Files.readSymbolicLink(image.file("/dangling")).toString());
    assertEquals("busybox", Files.readSymbolicLink(image.file("/bin/ls.new")).toString());
    assertEquals("../bin/busybox", Files.readSymbolicLink(image.file("/usr/bin/awk")).toString());
    LayerTar.Entry awk = image.lastLayer().entry("usr/bin/awk").orElseThrow();
    assertEquals('l', awk.type());
    assertEquals("../bin/busybox", awk.linkName());
  }

  @Test
  void modesAndOwnersChangeAndAreKept() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN chmod 0600 /etc/group && touch /owned && chown 1234:5678 /owned"
                + " && chmod 0640 /owned && chown -h 42:43 /bin/ls && mkdir /shared"
                + " && chown kiln:users /shared\n");
    assertEquals(0600, TreeFacts.mode(image.file("/etc/group")));
    assertEquals("0:0", TreeFacts.owner(image.file("/etc/group")));
    assertEquals(0640, TreeFacts.mode(image.file("/owned")));
    assertEquals("1234:5678", TreeFacts.owner(image.file("/owned")));
    assertEquals("42:43", TreeFacts.owner(image.file("/bin/ls")));
    assertEquals("1000:100", TreeFacts.owner(image.file("/shared")));
    LayerTar layer = image.lastLayer();
    // A metadata-only change still carries the whole file, as overlayfs copies it up.
    LayerTar.Entry group =
        layer.entry("etc/group").orElseThrow(() -> new AssertionError(layer.listing()));
    assertEquals(0600, group.mode());
    assertTrue(group.size() > 0);
  }

  @Test
  void setuidSetgidAndStickyBitsSurvive() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN cp /bin/busybox /usr/bin/suid && chmod 4755 /usr/bin/suid"
                + " && mkdir /sgid && chmod 2775 /sgid && touch /sgid/file"
                + " && mkdir /sticky && chmod 1777 /sticky && chmod u+s /bin/busybox\n");
    assertEquals(04755, TreeFacts.mode(image.file("/usr/bin/suid")));
    assertEquals(02775, TreeFacts.mode(image.file("/sgid")));
    assertEquals(01777, TreeFacts.mode(image.file("/sticky")));
    assertEquals(04755, TreeFacts.mode(image.file("/bin/busybox")));
    LayerTar layer = image.lastLayer();
    assertEquals(04755, layer.entry("usr/bin/suid").orElseThrow().mode());
    assertEquals(02775, layer.entry("sgid").orElseThrow().mode());
    assertEquals(01777, layer.entry("sticky").orElseThrow().mode());
  }

  @Test
  void fileCapabilitiesSetInTheStepReachTheImage() throws Exception {
    // busybox has neither setcap nor setfattr: the host's setcap (Debian libcap2-bin) is bound in
    // from a named context with the libraries it needs and started through the host's loader.
    Path tools = HostSetcap.into(kiln.newDir("hosttools"));
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=bind,from=hosttools,target=/hosttools"
                + " cp /bin/busybox /usr/bin/pinger"
                + " && /hosttools/ld.so --library-path /hosttools /hosttools/setcap"
                + " cap_net_raw+ep /usr/bin/pinger"
                + " && /hosttools/ld.so --library-path /hosttools /hosttools/getcap /usr/bin/pinger\n",
            Map.of());
    RunImage image =
        kiln.build(ctx, b -> b.buildContext(new NamedContext.Directory("hosttools", tools)));
    assertTrue(
        kiln.output().stream().anyMatch(l -> l.contains("cap_net_raw=ep")),
        kiln.output().toString());
    // VFS_CAP_REVISION_2, permitted and effective: bit 13 (CAP_NET_RAW).
    String expected = "0x0100000200200000000000000000000000000000";
    assertEquals(
        expected, TreeFacts.xattrsOf(image.file("/usr/bin/pinger")).get("security.capability"));
    LayerTar.Entry pinger = image.lastLayer().entry("usr/bin/pinger").orElseThrow();
    assertTrue(
        pinger.pax().containsKey("SCHILY.xattr.security.capability"), pinger.pax().toString());
    assertFalse(image.lastLayer().names().stream().anyMatch(n -> n.startsWith("hosttools")));
  }

  @Test
  void usersGroupsAndSupplementaryGroups() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "USER kiln\n"
                + "RUN id > /home/kiln/by-name && touch /home/kiln/mine\n"
                + "USER kiln:users\n"
                + "RUN id > /home/kiln/by-name-group\n"
                + "USER 1234:100\n"
                + "RUN id > /tmp/numeric\n"
                + "USER 1000\n"
                + "RUN id > /tmp/uid-only\n"
                + "USER root\n"
                + "RUN id > /root/root\n");
    // Supplementary groups come from /etc/group for a user given without a group, and always
    // include the primary group, as containerd and BuildKit set them.
    assertEquals(
        "uid=1000(kiln) gid=1000(kiln) groups=100(users),1000(kiln)",
        image.text("/home/kiln/by-name"));
    assertEquals("1000:1000", TreeFacts.owner(image.file("/home/kiln/mine")));
    assertEquals(
        "uid=1000(kiln) gid=100(users) groups=100(users)", image.text("/home/kiln/by-name-group"));
    assertEquals("uid=1234 gid=100(users) groups=100(users)", image.text("/tmp/numeric"));
    assertEquals("1234:100", TreeFacts.owner(image.file("/tmp/numeric")));
    assertEquals(
        "uid=1000(kiln) gid=1000(kiln) groups=100(users),1000(kiln)", image.text("/tmp/uid-only"));
    assertEquals("uid=0(root) gid=0(root) groups=0(root)", image.text("/root/root"));
  }

  @Test
  void networkNoneHasOnlyLoopback() throws Exception {
    int port = server.getAddress().getPort();
    String probe =
        "RUN%s ("
            + request(port)
            + " || echo unreachable) > /net-%s"
            + " && tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort > /ifaces-%s\n";
    RunImage image =
        kiln.build(
            kiln.context(
                FROM
                    + String.format(probe, "", "default", "default")
                    + String.format(probe, " --network=none", "none", "none")
                    + String.format(probe, " --network=host", "host", "host"),
                Map.of()),
            b -> b.allow("network.host"));
    // The probe is meaningful: the host's server answers where the network is shared.
    assertEquals("reached", image.text("/net-default"));
    assertEquals("reached", image.text("/net-host"));
    assertEquals("unreachable", image.text("/net-none"));
    assertEquals("lo", image.text("/ifaces-none"));
    assertNotEquals("lo", image.text("/ifaces-default"));
  }

  @Test
  void buildWideNetworkNoneAppliesToEveryRun() throws Exception {
    int port = server.getAddress().getPort();
    Path ctx =
        kiln.context(
            FROM
                + "RUN ("
                + request(port)
                + " || echo unreachable) > /net"
                + " && tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' > /ifaces\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.network("none"));
    assertEquals("unreachable", image.text("/net"));
    assertEquals("lo", image.text("/ifaces"));
  }

  @Test
  void hostNetworkNeedsItsEntitlementAndThenSeesTheHostsInterfaces() throws Exception {
    Path ctx =
        kiln.context(
            FROM
                + "RUN echo first > /first\n"
                + "RUN --network=host tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort"
                + " > /ifaces\n",
            Map.of());
    BuildFailure refused = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.USAGE, refused.kind());
    assertEquals(
        "Dockerfile:3:5: RUN --network=host needs the network.host entitlement, which this build"
            + " was not granted",
        refused.getMessage());
    assertTrue(
        refused.hint().orElse("").startsWith("pass --allow network.host "),
        refused.hint().toString());
    assertEquals(List.of(), stepsStarted(), "no step runs, not even the first");

    RunImage allowed = kiln.build(ctx, b -> b.allow("network.host"));
    assertEquals(hostInterfaces(), allowed.text("/ifaces"));
    // As in buildx, asking for the host network for the whole build grants the entitlement.
    RunImage buildWide = kiln.build(ctx, b -> b.network("host"));
    assertEquals(hostInterfaces(), buildWide.text("/ifaces"));
  }

  @Test
  void anInsecureStepNeedsItsEntitlementAndNothingRunsWithoutIt() throws Exception {
    Path ctx =
        kiln.context(
            FROM + "RUN echo first > /first\n" + "RUN --security=insecure id > /id\n", Map.of());
    BuildFailure refused = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.USAGE, refused.kind());
    assertEquals(
        "Dockerfile:3:5: RUN --security=insecure needs the security.insecure entitlement, which"
            + " this build was not granted",
        refused.getMessage());
    assertEquals(
        "    3 | RUN --security=insecure id > /id\n      |     ^^^^^^^^^^^^^^^^^^^\n",
        refused.detail().orElse(""));
    assertTrue(
        refused.hint().orElse("").startsWith("pass --allow security.insecure "),
        refused.hint().toString());
    assertEquals(List.of(), stepsStarted(), "no step runs, not even the first");
    // Granting the host network is not granting privileges.
    assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> b.allow("network.host")));
  }

  @Test
  void anInsecureStepHasFullPrivilegesAndTheSameStepSandboxedDoesNot() throws Exception {
    String probe =
        "grep CapEff /proc/self/status | cut -f2 > /p/caps"
            + " && (mount -t tmpfs none /tmp && umount /tmp && echo mounted || echo refused)"
            + " > /p/mount"
            + " && awk '$2 == \"/sys\" {split($4, o, \",\"); print o[1]}' /proc/mounts > /p/sys"
            + " && awk '$5 ~ \"^/proc/.\" {n++} END {print n + 0}' /proc/self/mountinfo"
            + " > /p/proc-mounts"
            + " && (test -c /dev/fuse && test -c /dev/net/tun && test -c /dev/loop-control"
            + " && test -b /dev/loop0 && echo present || echo absent) > /p/devices";
    String dockerfile = FROM + "RUN mkdir /p\n" + "RUN %s" + probe + "\n";
    // Sandboxed first, into the same store: the insecure step must not reuse its result.
    RunImage sandboxed = kiln.build(String.format(dockerfile, ""));
    assertEquals(DOCKER_DEFAULT_CAPS, sandboxed.text("/p/caps"));
    assertEquals("refused", sandboxed.text("/p/mount"));
    assertEquals("ro", sandboxed.text("/p/sys"));
    assertNotEquals("0", sandboxed.text("/p/proc-mounts"), "masked and read-only /proc paths");
    assertEquals("absent", sandboxed.text("/p/devices"));

    Path ctx = kiln.context(String.format(dockerfile, "--security=insecure "), Map.of());
    RunImage insecure = kiln.build(ctx, b -> b.allow("security.insecure"));
    assertEquals(everyCapability(), insecure.text("/p/caps"));
    assertEquals("mounted", insecure.text("/p/mount"));
    assertEquals("rw", insecure.text("/p/sys"));
    assertEquals("0", insecure.text("/p/proc-mounts"), "nothing of /proc masked or read-only");
    assertEquals("present", insecure.text("/p/devices"));
  }

  @Test
  void aNonRootUserKeepsEveryCapabilityInAnInsecureStep() throws Exception {
    Path ctx =
        kiln.context(
            FROM
                + "USER kiln\n"
                + "RUN --security=insecure grep CapEff /proc/self/status | cut -f2 > /tmp/caps"
                + " && id -u > /tmp/uid\n"
                + "RUN grep CapEff /proc/self/status | cut -f2 > /tmp/sandboxed\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.allow("security.insecure"));
    assertEquals("1000", image.text("/tmp/uid"));
    assertEquals(everyCapability(), image.text("/tmp/caps"));
    assertEquals("0000000000000000", image.text("/tmp/sandboxed"));
  }

  @Test
  void aBaseImagesOnbuildTriggerNeedsTheEntitlementToo() throws Exception {
    Path base = kiln.context(FROM + "ONBUILD RUN --security=insecure id > /triggered\n", Map.of());
    kiln.request(
        base,
        b ->
            b.tag("kiln.test/onbuild-insecure:1")
                .output(dev.kiln.api.request.OutputSpecParser.parse("type=image")));
    Path ctx =
        kiln.context("FROM kiln.test/onbuild-insecure:1\nRUN echo after > /after\n", Map.of());
    BuildFailure refused = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.USAGE, refused.kind());
    assertTrue(
        refused
            .getMessage()
            .startsWith(
                "Dockerfile:1:1: the base image's trigger ONBUILD RUN --security=insecure id >"
                    + " /triggered: RUN --security=insecure needs the security.insecure"),
        refused.getMessage());
    assertFalse(
        kiln.events().stream()
            .anyMatch(
                e ->
                    e instanceof dev.kiln.api.event.BuildEvent.StepStarted s
                        && s.step().text().startsWith("RUN")),
        "no RUN step started");
    RunImage image = kiln.build(ctx, b -> b.allow("security.insecure"));
    assertEquals("uid=0(root) gid=0(root) groups=0(root)", image.text("/triggered"));
  }

  /** Docker's default capabilities as {@code CapEff} shows them. */
  private static final String DOCKER_DEFAULT_CAPS = "00000000a80425fb";

  /** {@code CapEff} with every capability kiln can hand on: its bounding set, as far as named. */
  private static String everyCapability() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapBnd:")) {
        long bounding = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        return String.format("%016x", bounding & ((1L << 41) - 1));
      }
    }
    throw new AssertionError("no CapBnd in /proc/self/status");
  }

  /** The host's network interfaces, as a step lists them from {@code /proc/net/dev}. */
  private static String hostInterfaces() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("/proc/net/dev"));
    return String.join(
        "\n",
        sorted(lines.subList(2, lines.size()).stream().map(l -> l.split(":")[0].trim()).toList()));
  }

  private List<dev.kiln.api.event.BuildEvent> stepsStarted() {
    return kiln.events().stream()
        .filter(e -> e instanceof dev.kiln.api.event.BuildEvent.StepStarted)
        .toList();
  }

  @Test
  void aSecretIsSeenByTheCommandOnly() throws Exception {
    String secret = "kiln-s3cret-" + System.nanoTime();
    Path secretFile = Files.writeString(kiln.newDir("secret").resolve("token"), secret);
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=secret,id=tok"
                + " wc -c < /run/secrets/tok > /secret-length"
                + " && cat /run/secrets/tok && echo \"value: $(cat /run/secrets/tok)\" >&2"
                + " && ls -ln /run/secrets/tok | cut -c1-10 > /secret-mode\n"
                + "RUN --mount=type=secret,id=tok,env=TOKEN,target=/etc/tok"
                + " test \"$TOKEN\" = \"$(cat /etc/tok)\" && echo \"$TOKEN\" | sha256sum > /sum"
                + " && echo \"env: $TOKEN\"\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.secret(SecretSpec.parse("id=tok,src=" + secretFile)));
    assertEquals(String.valueOf(secret.length()), image.text("/secret-length"));
    assertEquals("-r--------", image.text("/secret-mode"));
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    List<LayerTar> layers = image.layers();
    for (int i = 0; i < layers.size(); i++) {
      assertFalse(layers.get(i).contains(needle), "layer " + i + " holds the secret");
      assertTrue(
          layers.get(i).names().stream()
              .noneMatch(n -> n.startsWith("run/secrets") || n.equals("etc/tok")),
          layers.get(i).listing());
    }
    assertFalse(image.rawConfig().contains(secret), image.rawConfig());
    assertFalse(Files.exists(image.file("/run/secrets"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(image.file("/etc/tok"), LinkOption.NOFOLLOW_LINKS));
    List<String> output = kiln.output();
    assertTrue(output.stream().anyMatch(l -> l.startsWith("value: ")), output.toString());
    assertTrue(output.stream().anyMatch(l -> l.startsWith("env: ")), output.toString());
    for (String line : output) {
      assertFalse(line.contains(secret), "progress output holds the secret: " + line);
    }
  }

  @Test
  void aCacheMountPersistsAcrossBuildsAndStaysOutOfLayers() throws Exception {
    String id = "persist-" + System.nanoTime();
    RunImage first =
        kiln.build(
            FROM
                + "RUN --mount=type=cache,id="
                + id
                + ",target=/var/cache/pkg echo first > /var/cache/pkg/marker"
                + " && echo step1 > /step1\n");
    RunImage second =
        kiln.build(
            FROM
                + "RUN --mount=type=cache,id="
                + id
                + ",target=/var/cache/pkg cat /var/cache/pkg/marker > /seen"
                + " && echo second >> /var/cache/pkg/marker\n");
    assertEquals("first", second.text("/seen"));
    for (RunImage image : List.of(first, second)) {
      assertFalse(Files.exists(image.file("/var/cache/pkg/marker")));
      for (LayerTar layer : image.layers()) {
        assertTrue(
            layer.names().stream().noneMatch(n -> n.startsWith("var/cache/pkg")), layer.listing());
      }
    }
  }

  @Test
  void bindMountsFromTheContextAndFromAnotherStage() throws Exception {
    Path ctx =
        kiln.context(
            "FROM "
                + RunFixture.BUSYBOX
                + " AS build\n"
                + "RUN mkdir /out && echo artifact > /out/artifact\n"
                + "FROM "
                + RunFixture.BUSYBOX
                + "\n"
                + "RUN --mount=type=bind,source=data,target=/mnt/data cat /mnt/data/f > /from-context\n"
                + "RUN --mount=type=bind,source=data,target=/mnt/data,rw"
                + " echo scribble > /mnt/data/f && echo new > /mnt/data/new && cat /mnt/data/f > /rw\n"
                + "RUN --mount=type=bind,from=build,source=/out,target=/art cp /art/artifact /from-stage\n"
                + "RUN --mount=type=bind,target=/ctx cat /ctx/data/f > /whole-context\n",
            Map.of("data/f", "context-file\n"));
    RunImage image = kiln.build(ctx, b -> {});
    assertEquals("context-file", image.text("/from-context"));
    assertEquals("scribble", image.text("/rw"));
    assertEquals("artifact", image.text("/from-stage"));
    assertEquals("context-file", image.text("/whole-context"));
    // A read-write bind's changes are thrown away, never written back to the context.
    assertEquals("context-file\n", Files.readString(ctx.resolve("data/f")));
    assertFalse(Files.exists(ctx.resolve("data/new")));
    for (String stub : List.of("mnt", "art", "ctx")) {
      assertFalse(Files.exists(image.file(stub), LinkOption.NOFOLLOW_LINKS), stub);
    }
  }

  @Test
  void tmpfsMountsAreEmptyAndNotKept() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN --mount=type=tmpfs,target=/scratch echo x > /scratch/f"
                + " && grep ' /scratch ' /proc/mounts | cut -d' ' -f3 > /scratch-type\n");
    assertEquals("tmpfs", image.text("/scratch-type"));
    assertFalse(Files.exists(image.file("/scratch"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void heredocsRunAsScriptsOrThroughTheShell() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN <<EOF\n"
                + "echo plain > /heredoc-plain\n"
                + "echo \"$0\" > /heredoc-plain-argv0\n"
                + "EOF\n"
                + "RUN <<EOF\n"
                + "#!/usr/bin/awk -f\n"
                + "BEGIN { print \"awk ran\" > \"/heredoc-awk\" }\n"
                + "EOF\n"
                + "RUN <<EOF\n"
                + "#!/bin/sh -e\n"
                + "echo \"script $0\" > /heredoc-script\n"
                + "EOF\n"
                + "RUN cat <<EOF > /heredoc-cat\n"
                + "line one\n"
                + "line two\n"
                + "EOF\n");
    assertEquals("plain", image.text("/heredoc-plain"));
    assertEquals("/bin/sh", image.text("/heredoc-plain-argv0"));
    assertEquals("awk ran", image.text("/heredoc-awk"));
    assertTrue(image.text("/heredoc-script").startsWith("script /"), image.text("/heredoc-script"));
    assertEquals("line one\nline two", image.text("/heredoc-cat"));
    assertTrue(
        image.layers().stream()
            .allMatch(l -> l.names().stream().noneMatch(n -> n.startsWith("dev/"))));
  }

  @Test
  void execFormRunsWithoutAShell() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "ENV FOO=bar\n"
                + "RUN [\"/bin/touch\", \"/exec-touched\"]\n"
                + "RUN [\"/bin/sh\", \"-c\", \"echo \\\"$FOO\\\" > /exec-env\"]\n"
                + "RUN [\"/bin/busybox\", \"cp\", \"/etc/passwd\", \"/$FOO\"]\n");
    assertTrue(Files.isRegularFile(image.file("/exec-touched")));
    assertEquals("bar", image.text("/exec-env"));
    // No shell and no Dockerfile expansion: the file is literally named "$FOO".
    assertTrue(Files.isRegularFile(image.file("/$FOO")));
    assertTrue(
        image.history().contains("RUN /bin/touch /exec-touched # buildkit"),
        image.history().toString());
  }

  @Test
  void shellChangesTheShellOfShellForm() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "SHELL [\"/usr/bin/env\", \"VIA_SHELL=yes\", \"/bin/sh\", \"-c\"]\n"
                + "RUN echo \"$VIA_SHELL\" > /shell-env\n");
    assertEquals("yes", image.text("/shell-env"));
    assertTrue(
        image
            .history()
            .contains(
                "RUN /usr/bin/env VIA_SHELL=yes /bin/sh -c echo \"$VIA_SHELL\" > /shell-env"
                    + " # buildkit"),
        image.history().toString());
  }

  @Test
  void workdirAndEnvReachRun() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "ENV GREETING=hello PATH=/opt/tools:$PATH\n"
                + "WORKDIR /work/dir\n"
                + "RUN pwd > here && echo \"$GREETING\" > greeting && echo \"$PATH\" > path"
                + " && echo \"$HOME\" > home\n");
    assertEquals("/work/dir", image.text("/work/dir/here"));
    assertEquals("hello", image.text("/work/dir/greeting"));
    assertTrue(image.text("/work/dir/path").startsWith("/opt/tools:"));
    assertEquals("/root", image.text("/work/dir/home"));
  }

  @Test
  void argValuesReachRunAndItsHistory() throws Exception {
    Path ctx =
        kiln.context(
            FROM
                + "ARG A=x\n"
                + "ARG B\n"
                + "RUN echo \"$A-$B\" > /args\n"
                + "ENV E=$A\n"
                + "RUN echo \"$E\" > /env-from-arg\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.buildArg("B", "given"));
    assertEquals("x-given", image.text("/args"));
    assertEquals("x", image.text("/env-from-arg"));
    List<String> history = image.history();
    assertTrue(
        history.contains("RUN |2 A=x B=given /bin/sh -c echo \"$A-$B\" > /args # buildkit"),
        history.toString());
    // ARGs are not part of the image's environment.
    assertFalse(image.config().path("config").path("Env").toString().contains("B=given"));
  }

  @Test
  void aStepThatChangesNothingAddsNoLayer() throws Exception {
    RunImage image = kiln.build(FROM + "RUN true\nRUN cat /etc/passwd > /dev/null\n");
    assertEquals(1, image.manifest().path("layers").size());
    var history = image.config().path("history");
    assertTrue(history.get(history.size() - 1).path("empty_layer").asBoolean(), history.toString());
  }

  @Test
  void aStepAfterADeletionThatChangesNothingAddsNoLayer() throws Exception {
    // The copy snapshotter copies the deleting layer's whiteout and then removes it: the
    // directory's time must come back, or the next step "changed" /etc.
    RunImage image = kiln.build(FROM + "RUN rm /etc/group\nRUN true\n");
    assertEquals(2, image.manifest().path("layers").size(), image.manifest().toString());
  }

  @Test
  void aFailingRunFailsTheBuildAndLeavesNothingBehind() throws Exception {
    String marker = "86" + (10000 + (System.nanoTime() % 80000));
    Path ctx =
        kiln.context(
            FROM
                + "RUN echo fine > /fine\n"
                + "RUN --mount=type=tmpfs,target=/scratch --mount=type=cache,target=/cache"
                + " sleep "
                + marker
                + " & i=1; while [ $i -le 30 ]; do echo line$i; i=$((i+1)); done;"
                + " echo oops >&2; exit 3\n"
                + "RUN echo never > /never\n",
            Map.of());
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.STEP, failure.kind());
    assertTrue(failure.getMessage().startsWith("Dockerfile:3"), failure.getMessage());
    assertTrue(failure.getMessage().contains("exit code: 3"), failure.getMessage());
    String detail = failure.detail().orElse("");
    assertTrue(detail.contains("line30"), detail);
    assertTrue(detail.contains("oops"), detail);
    assertFalse(detail.contains("line1\n"), detail);
    assertEquals(List.of(), ProcessScan.withMarker("sleep " + marker));
    assertEquals(List.of(), MountTable.mountPointsUnder(kiln.cacheDir()));
    assertTrue(kiln.output().stream().anyMatch(l -> l.equals("line30")), kiln.output().toString());
  }

  @Test
  void backgroundProcessesDoNotOutliveASuccessfulStep() throws Exception {
    String marker = "87" + (10000 + (System.nanoTime() % 80000));
    kiln.build(FROM + "RUN (sleep " + marker + " &) ; echo started > /started\n");
    assertEquals(List.of(), ProcessScan.withMarker("sleep " + marker));
    assertEquals(List.of(), MountTable.mountPointsUnder(kiln.cacheDir()));
  }

  @Test
  void aRunLayerCarriesTheUnchangedParentsOfWhatItChanged() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN mkdir -p /srv/app/sub && chown -R kiln:kiln /srv/app && chmod 0750 /srv/app\n"
                + "RUN echo x > /srv/app/sub/file && rm /etc/group\n"
                + "USER kiln\n"
                + "RUN stat -c '%u:%g %a' /srv/app > /home/kiln/seen\n");
    // Without srv/app in the second RUN's layer, kiln's next step saw it as root's 0755.
    assertEquals("1000:1000 750", image.text("/home/kiln/seen"));
    LayerTar second = image.layers().get(2);
    for (String parent : List.of("srv", "srv/app", "srv/app/sub", "etc")) {
      assertTrue(second.entry(parent).isPresent(), parent + " missing from\n" + second.listing());
    }
    LayerTar.Entry app = second.entry("srv/app").orElseThrow();
    assertEquals("0750 1000:1000", String.format("%04o %d:%d", app.mode(), app.uid(), app.gid()));
  }

  @Test
  void aCopyIntoADirectoryARunMadeKeepsItsOwnerForLaterRuns() throws Exception {
    Path ctx =
        kiln.context(
            FROM
                + "RUN mkdir -p /srv/app && chown kiln:kiln /srv/app && chmod 0750 /srv/app\n"
                + "COPY files/ /srv/app/\n"
                + "USER kiln\n"
                + "RUN stat -c '%u:%g %a' /srv/app > /srv/app/seen && touch /srv/app/by-kiln\n",
            Map.of("files/a", "a\n"));
    RunImage image = kiln.build(ctx, b -> {});
    assertEquals("1000:1000 750", image.text("/srv/app/seen"));
    assertEquals("1000:1000", TreeFacts.owner(image.file("/srv/app")));
    // The COPY layer carries the directory it copied into with that directory's own metadata,
    // so a later RUN, which sees the layers stacked in overlayfs, sees the same as a pull would.
    LayerTar copy = image.layers().get(2);
    LayerTar.Entry app =
        copy.entry("srv/app").orElseThrow(() -> new AssertionError(copy.listing()));
    assertEquals("0750 1000:1000", String.format("%04o %d:%d", app.mode(), app.uid(), app.gid()));
  }

  @Test
  void aRunOnAnAlmostEmptyRootfsLeavesOnlyWhatItWrote() throws Exception {
    // No /proc, /dev, /sys, /etc or /tmp below: every mount point the sandbox needs is made for
    // the step and taken away again.
    RunImage image =
        kiln.build(
            "FROM scratch\n"
                + "COPY --from="
                + RunFixture.BUSYBOX
                + " /bin/busybox /bin/busybox\n"
                + "RUN [\"/bin/busybox\", \"sh\", \"-c\","
                + " \"/bin/busybox mkdir /made && /bin/busybox hostname > /made/file\"]\n");
    assertEquals(List.of("made", "made/file"), sorted(image.lastLayer().names()));
    try (Stream<Path> all = Files.walk(image.rootfs())) {
      assertEquals(
          List.of("", "bin", "bin/busybox", "made", "made/file"),
          all.map(p -> image.rootfs().relativize(p).toString()).sorted().toList());
    }
  }

  @Test
  void aMultiLineSecretIsMaskedLineByLine() throws Exception {
    String first = "-----BEGIN KILN TEST KEY " + System.nanoTime() + "-----";
    String second = "c2VjcmV0LWtleS1ib2R5" + System.nanoTime();
    Path secretFile =
        Files.writeString(
            kiln.newDir("secret").resolve("key"), first + "\n" + second + "\n-----END-----\n");
    Path ctx =
        kiln.context(
            FROM + "RUN --mount=type=secret,id=key cat /run/secrets/key && echo printed\n",
            Map.of());
    kiln.build(ctx, b -> b.secret(SecretSpec.parse("id=key,src=" + secretFile)));
    List<String> output = kiln.output();
    assertTrue(output.contains("printed"), output.toString());
    for (String line : output) {
      assertFalse(line.contains(first), "progress output holds the secret: " + line);
      assertFalse(line.contains(second), "progress output holds the secret: " + line);
    }
  }

  @Test
  void aFailingStepNeverPrintsItsSecret() throws Exception {
    String secret = "kiln-fail-s3cret-" + System.nanoTime();
    Path secretFile = Files.writeString(kiln.newDir("secret").resolve("token"), secret);
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=secret,id=tok"
                + " echo \"about to fail with $(cat /run/secrets/tok)\"; exit 9\n",
            Map.of());
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () -> kiln.build(ctx, b -> b.secret(SecretSpec.parse("id=tok,src=" + secretFile))));
    String detail = failure.detail().orElse("");
    assertTrue(detail.contains("about to fail with"), detail);
    assertFalse(detail.contains(secret), detail);
    assertFalse(failure.getMessage().contains(secret), failure.getMessage());
    for (String line : kiln.output()) {
      assertFalse(line.contains(secret), line);
    }
  }

  @Test
  void aMissingSecretFailsTheStepOnlyWhenRequired() throws Exception {
    Path ctx =
        kiln.context(
            FROM + "RUN --mount=type=secret,id=absent,required=true cat /run/secrets/absent\n",
            Map.of());
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.STEP, failure.kind());
    assertTrue(failure.getMessage().startsWith("Dockerfile:2"), failure.getMessage());
    assertTrue(failure.getMessage().contains("absent"), failure.getMessage());
    // Not required (the default): the step runs without it.
    RunImage image =
        kiln.build(
            FROM
                + "RUN --mount=type=secret,id=absent"
                + " (test -e /run/secrets/absent && echo there || echo missing) > /optional\n");
    assertEquals("missing", image.text("/optional"));
  }

  @Test
  void aCacheMountWithOwnerAndModeServesANonRootUser() throws Exception {
    String id = "owned-" + System.nanoTime();
    RunImage image =
        kiln.build(
            FROM
                + "USER kiln\n"
                + "RUN --mount=type=cache,id="
                + id
                + ",target=/home/kiln/.cache,uid=1000,gid=1000,mode=0700,sharing=locked"
                + " echo mine > /home/kiln/.cache/f"
                + " && ls -ldn /home/kiln/.cache | cut -c1-10 > /home/kiln/cache-mode"
                + " && stat -c %u:%g /home/kiln/.cache > /home/kiln/cache-owner\n");
    assertEquals("drwx------", image.text("/home/kiln/cache-mode"));
    assertEquals("1000:1000", image.text("/home/kiln/cache-owner"));
    assertFalse(Files.exists(image.file("/home/kiln/.cache/f")));
  }

  @Test
  void aCacheMountSeededFromAStageStartsWithItsFilesAndKeepsWrites() throws Exception {
    String seed =
        "FROM " + RunFixture.BUSYBOX + " AS seed\nRUN mkdir -p /seed && echo seeded > /seed/file\n";
    String mount = "--mount=type=cache,id=seeded-" + System.nanoTime() + ",target=/c,from=seed";
    RunImage first =
        kiln.build(
            seed
                + FROM
                + "RUN "
                + mount
                + ",source=/seed cat /c/file > /got && echo more > /c/added\n");
    assertEquals("seeded", first.text("/got"));
    RunImage second = kiln.build(seed + FROM + "RUN " + mount + ",source=/seed ls /c > /listing\n");
    assertEquals("added\nfile", second.text("/listing"));
    for (RunImage image : List.of(first, second)) {
      assertFalse(Files.exists(image.file("/c"), LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void readWriteBindsNeverWriteToTheUsersDirectories() throws Exception {
    Path named = kiln.newDir("named");
    Files.writeString(named.resolve("n"), "named\n");
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=bind,source=one.txt,target=/one.txt,rw"
                + " echo changed > /one.txt && cat /one.txt > /saw-one\n"
                + "RUN --mount=type=bind,from=named,target=/named,rw"
                + " echo changed > /named/n && touch /named/new && cat /named/n > /saw-named\n",
            Map.of("one.txt", "one\n"));
    RunImage image =
        kiln.build(ctx, b -> b.buildContext(new NamedContext.Directory("named", named)));
    assertEquals("changed", image.text("/saw-one"));
    assertEquals("changed", image.text("/saw-named"));
    assertEquals("one\n", Files.readString(ctx.resolve("one.txt")));
    assertEquals("named\n", Files.readString(named.resolve("n")));
    assertFalse(Files.exists(named.resolve("new")));
  }

  @Test
  void bindMountsFromAnImage() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN --mount=type=bind,from="
                + RunFixture.BUSYBOX
                + ",source=/etc,target=/base-etc cp /base-etc/group /group-from-image\n");
    assertEquals(
        Files.readString(image.file("/etc/group")).strip(), image.text("/group-from-image"));
    assertFalse(Files.exists(image.file("/base-etc"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void anSshAgentSocketIsForwarded() throws Exception {
    Path socket = kiln.newDir("ssh").resolve("agent.sock");
    try (java.nio.channels.ServerSocketChannel agent =
        java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      agent.bind(java.net.UnixDomainSocketAddress.of(socket));
      Path ctx =
          kiln.context(
              FROM
                  + "RUN --mount=type=ssh test -S \"$SSH_AUTH_SOCK\""
                  + " && echo \"$SSH_AUTH_SOCK\" > /ssh-sock\n",
              Map.of());
      RunImage image =
          kiln.build(ctx, b -> b.ssh(dev.kiln.api.request.SshSpec.parse("default=" + socket)));
      assertTrue(image.text("/ssh-sock").startsWith("/run/buildkit/ssh_agent."));
      assertFalse(Files.exists(image.file("/run"), LinkOption.NOFOLLOW_LINKS));
    }
  }

  @Test
  void proxyArgumentsReachRunButNotTheHistory() throws Exception {
    Path ctx = kiln.context(FROM + "RUN echo \"$HTTP_PROXY\" > /proxy\n", Map.of());
    RunImage image = kiln.build(ctx, b -> b.buildArg("HTTP_PROXY", "http://proxy.invalid:3128"));
    assertEquals("http://proxy.invalid:3128", image.text("/proxy"));
    assertFalse(image.rawConfig().contains("proxy.invalid"), image.rawConfig());
  }

  @Test
  void theHostEnvironmentDoesNotLeakIntoRun() throws Exception {
    RunImage image = kiln.build(FROM + "ENV MINE=1\nRUN env > /env\n");
    List<String> names =
        image.text("/env").lines().map(l -> l.substring(0, l.indexOf('='))).sorted().toList();
    assertTrue(names.contains("MINE"), names.toString());
    assertTrue(names.contains("PATH"), names.toString());
    for (String name : System.getenv().keySet()) {
      if (!List.of("PATH", "HOME", "HOSTNAME", "PWD", "SHLVL").contains(name)) {
        assertFalse(names.contains(name), name + " leaked from the host: " + names);
      }
    }
  }

  @Test
  void anUnknownUserFailsTheStep() throws Exception {
    BuildFailure failure =
        assertThrows(BuildFailure.class, () -> kiln.build(FROM + "USER nosuchuser\nRUN true\n"));
    assertEquals(BuildFailure.Kind.STEP, failure.kind());
    assertTrue(failure.getMessage().startsWith("Dockerfile:3"), failure.getMessage());
    assertTrue(failure.getMessage().contains("nosuchuser"), failure.getMessage());
  }

  @Test
  void parallelStagesRunTheirStepsAtTheSameTime() throws Exception {
    String stage =
        "FROM %s AS %s\nRUN echo %s > /%s && i=0; while [ $i -lt 20 ]; do"
            + " echo $i > /tmp/%s-$i; i=$((i+1)); done\n";
    Path ctx =
        kiln.context(
            String.format(stage, RunFixture.BUSYBOX, "one", "one", "one", "one")
                + String.format(stage, RunFixture.BUSYBOX, "two", "two", "two", "two")
                + FROM
                + "COPY --from=one /one /one\n"
                + "COPY --from=two /two /two\n"
                + "RUN cat /one /two > /both\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.maxParallelism(2));
    assertEquals("one\ntwo", image.text("/both"));
    assertEquals(List.of(), MountTable.mountPointsUnder(kiln.cacheDir()));
  }

  /**
   * A shell pipeline that prints "reached" when the test's HTTP server on the host's loopback
   * answers (busybox's nc: its wget crashes in Debian's static build).
   */
  private static String request(int port) {
    return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 127.0.0.1 " + port + " | grep -o reached";
  }

  private static List<String> sorted(List<String> names) {
    return new ArrayList<>(new TreeSet<>(names));
  }
}
