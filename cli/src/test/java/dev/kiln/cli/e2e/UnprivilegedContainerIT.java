package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.RepositoryRoot;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kiln inside an unprivileged podman container (podman's default capabilities, which lack {@code
 * CAP_SYS_ADMIN}, and its default seccomp profile; no {@code --privileged}), as root and as the
 * non-root user {@code kiln} with subordinate ids: a multi-stage Dockerfile with RUN is built and
 * pushed to a registry on the host's loopback ({@code --network host}); the layers keep the owners
 * the steps gave their files, and the image runs under podman.
 *
 * <p>The container is what kiln's image ({@code packaging/Dockerfile}) is, assembled offline in
 * seconds: {@code podman run --rootfs} on a directory holding kiln's jar, an {@code /etc} with
 * root, {@code kiln} (uid 1000) and its {@code /etc/subuid} range, and the host's {@code /usr}
 * bound read-only for Java, util-linux, mount and the rest. As in kiln's image, {@code newuidmap}
 * and {@code newgidmap} carry file capabilities instead of the setuid bit (copies of the host's,
 * bound over them). The image itself differs in its Java (the release's jlinked runtime) and its
 * Debian packages, not in what the sandbox needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnprivilegedContainerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int KILN_UID = 1000;
  private static final int CAP_SYS_ADMIN = 21;

  /** An option of {@link #inContainer}: keep the host's setuid helpers, not the capability ones. */
  private static final String SETUID_HELPERS = "setuid-helpers";

  private static final String MASKED_PROC = "masked-proc";

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  private Path work;
  private Path rootfs;
  private Path helpers;
  private Path runRoot;

  @BeforeAll
  void assemble(@TempDir Path dir) throws Exception {
    work = dir;
    rootfs = Files.createDirectories(dir.resolve("rootfs"));
    // podman refuses a run root longer than 50 characters; the run state is throwaway.
    runRoot = Files.createTempDirectory(Path.of("/tmp"), "kpod");
    for (String d : List.of("etc", "tmp", "var/tmp", "root", "opt/kiln", "proc", "sys", "dev")) {
      Files.createDirectories(rootfs.resolve(d));
    }
    run("chmod", "1777", rootfs.resolve("tmp").toString(), rootfs.resolve("var/tmp").toString());
    for (String top : List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
      Path host = Path.of("/", top);
      if (Files.isSymbolicLink(host)) {
        Files.createSymbolicLink(rootfs.resolve(top), Files.readSymbolicLink(host));
      } else if (Files.isDirectory(host)) {
        Files.createDirectories(rootfs.resolve(top));
      }
    }
    Files.writeString(
        rootfs.resolve("etc/passwd"),
        "root:x:0:0:root:/root:/bin/sh\n"
            + "kiln:x:1000:1000::/home/kiln:/bin/sh\n"
            + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nkiln:x:1000:\nnogroup:x:65534:\n");
    Files.writeString(rootfs.resolve("etc/subuid"), "kiln:100000:65536\n");
    Files.writeString(rootfs.resolve("etc/subgid"), "kiln:100000:65536\n");
    Files.copy(Path.of("/etc/ld.so.cache"), rootfs.resolve("etc/ld.so.cache"));
    Files.copy(RepositoryRoot.resolve("cli/target/kiln.jar"), rootfs.resolve("opt/kiln/kiln.jar"));

    // As kiln's image has them: file capabilities, no setuid bit.
    helpers = Files.createDirectories(dir.resolve("helpers"));
    for (String[] helper :
        List.of(
            new String[] {"newuidmap", "cap_setuid=ep"},
            new String[] {"newgidmap", "cap_setgid=ep"})) {
      Path copy = helpers.resolve(helper[0]);
      Files.copy(Path.of("/usr/bin", helper[0]), copy);
      run("chmod", "0755", copy.toString());
      run("setcap", helper[1], copy.toString());
    }

    // What each user builds: an offline busybox base, then a multi-stage app with RUN.
    for (String user : List.of("root", "kiln")) {
      Path home =
          Files.createDirectories(rootfs.resolve(user.equals("root") ? "root" : "home/kiln"));
      UnprivilegedPodman.writeBusyboxBase(home);
      Path app = Files.createDirectories(home.resolve("app"));
      Files.writeString(
          app.resolve("Dockerfile"),
          "FROM busybox:kiln AS build\n"
              + "RUN mkdir /out && echo built > /out/built && id -u > /out/build-uid\n"
              + "FROM busybox:kiln\n"
              + "COPY --from=build /out/ /app/\n"
              + "RUN mkdir -p /data /home/kiln && echo root > /data/by-root"
              + " && touch /data/other && chown 1234:2345 /data/other"
              // World-writable: rootless kiln shows earlier layers' files as root's in a step.
              + " && chmod 0777 /home/kiln && chown 1000:1000 /home/kiln\n"
              + "USER 1000:1000\n"
              + "RUN echo user > /home/kiln/by-user && id -u > /home/kiln/uid\n"
              + "USER root\n"
              + "CMD [\"cat\", \"/app/built\", \"/home/kiln/by-user\"]\n");
      if (!user.equals("root")) {
        run("chown", "-R", KILN_UID + ":" + KILN_UID, home.toString());
      }
    }
  }

  @AfterAll
  void removeRunRoot() {
    deleteTree(runRoot);
  }

  @ParameterizedTest
  @ValueSource(strings = {"root", "kiln"})
  void buildsAndPushesAMultiStageImageWithRun(String user) throws Exception {
    String image = registry.hostPort() + "/unprivileged:" + user;
    ProcessRunner.Result r =
        inContainer(
            user,
            List.of(),
            "grep -E '^(CapEff|Seccomp):' /proc/self/status",
            "kiln build --progress=plain -t busybox:kiln base",
            "kiln build --progress=plain --no-cache -t " + image + " --push app");
    String said = "--- stdout ---\n" + r.stdout() + "\n--- stderr ---\n" + r.stderr();
    assertEquals(0, r.exitCode(), said);
    assertUnprivileged(r.stdout(), said);
    assertTrue(r.stderr().contains("RUN isolation chroot"), said);

    Path layout = work.resolve("layout-" + user);
    run(
        "skopeo",
        "copy",
        "--src-tls-verify=false",
        "docker://" + image,
        "oci:" + layout + ":" + user);
    JsonNode layers = JSON.readTree(ImageInspector.manifestOfLayout(layout, user)).path("layers");
    // busybox, COPY --from, and the two RUNs of the last stage.
    assertEquals(4, layers.size(), layers.toString());
    Map<String, String> owners = new HashMap<>();
    Map<String, String> contents = new HashMap<>();
    Map<String, String> chownLayer = new HashMap<>();
    read(layout, layers.get(2).path("digest").asText(), chownLayer, new HashMap<>());
    for (int i = 1; i < layers.size(); i++) {
      read(layout, layers.get(i).path("digest").asText(), owners, contents);
    }
    assertEquals("1000:1000", chownLayer.get("home/kiln/"), chownLayer.toString());
    if (user.equals("root")) {
      // Rootless kiln shows earlier layers' files as root's inside a step, so the next step's
      // layer records /home/kiln/ (changed by it) as root's: a limit the README states.
      assertEquals("1000:1000", owners.get("home/kiln/"), owners.toString());
    }
    assertEquals("0:0", owners.get("app/built"), owners.toString());
    assertEquals("0:0", owners.get("data/by-root"), owners.toString());
    assertEquals("1234:2345", owners.get("data/other"), owners.toString());
    assertEquals("1000:1000", owners.get("home/kiln/by-user"), owners.toString());
    assertEquals("0\n", contents.get("app/build-uid"), "the build stage's RUN ran as root");
    assertEquals("1000\n", contents.get("home/kiln/uid"), "USER 1000 ran as 1000");

    ProcessRunner.Result ran =
        ProcessRunner.run(
            podman(
                List.of(
                    "run",
                    "--rm",
                    "--network",
                    "host",
                    "--ulimit",
                    "nofile=1024:1024",
                    "--ulimit",
                    "nproc=4096:4096",
                    "--tls-verify=false",
                    image)),
            Map.of(),
            Duration.ofMinutes(5));
    assertEquals(0, ran.exitCode(), ran.stdout() + ran.stderr());
    assertEquals("built\nuser\n", ran.stdout());
  }

  /**
   * Where the kernel refuses the namespaces, as under Docker's default seccomp profile (which lets
   * {@code unshare} make namespaces only with {@code CAP_SYS_ADMIN}), RUN fails with the fix named.
   */
  @Test
  void aSeccompProfileWithoutUnshareGetsTheFixNamed() throws Exception {
    JsonNode profile = JSON.readTree(Path.of("/usr/share/containers/seccomp.json").toFile());
    for (JsonNode rule : profile.path("syscalls")) {
      var names = (com.fasterxml.jackson.databind.node.ArrayNode) rule.path("names");
      for (int i = names.size() - 1; i >= 0; i--) {
        if (names.get(i).asText().equals("unshare")) {
          names.remove(i);
        }
      }
    }
    // Docker's profile answers EPERM to unshare without CAP_SYS_ADMIN.
    var denied =
        ((com.fasterxml.jackson.databind.node.ArrayNode) profile.path("syscalls")).addObject();
    denied.putArray("names").add("unshare");
    denied.put("action", "SCMP_ACT_ERRNO");
    denied.put("errnoRet", 1);
    Path seccomp = work.resolve("seccomp-without-unshare.json");
    JSON.writeValue(seccomp.toFile(), profile);

    ProcessRunner.Result r =
        inContainer(
            "root",
            List.of("--security-opt", "seccomp=" + seccomp),
            "kiln build --progress=plain -t busybox:kiln base",
            "kiln build --progress=plain --no-cache -o type=oci,dest=/tmp/app.tar app");
    String said = "--- stdout ---\n" + r.stdout() + "\n--- stderr ---\n" + r.stderr();
    assertNotEquals(0, r.exitCode(), said);
    assertTrue(r.stderr().contains("unshare failed: Operation not permitted"), said);
    assertTrue(r.stderr().contains("--security-opt seccomp=unconfined"), said);
    assertTrue(r.stderr().contains("Dockerfile:2:1"), said);
    assertFalse(r.stderr().contains("Exception"), said);
  }

  /**
   * Under podman's default masks on /proc the kernel refuses a step a /proc of its own. kiln must
   * not hand it kiln's instead (which would show kiln's processes, and through /proc/PID their
   * files and environment, to the step as their owner): RUN fails with the fix named.
   */
  @Test
  void aMaskedProcIsRefusedWithTheFixNamedNotSharedWithTheStep() throws Exception {
    ProcessRunner.Result r =
        inContainer(
            "root",
            List.of(MASKED_PROC),
            "kiln build --progress=plain -t busybox:kiln base",
            "kiln build --progress=plain --no-cache -o type=oci,dest=/tmp/app.tar app");
    String said = "--- stdout ---\n" + r.stdout() + "\n--- stderr ---\n" + r.stderr();
    assertNotEquals(0, r.exitCode(), said);
    assertTrue(r.stderr().contains("refused the step a /proc of its own"), said);
    assertTrue(r.stderr().contains("--security-opt unmask=ALL"), said);
    assertTrue(r.stderr().contains("Dockerfile:2:1"), said);
  }

  /**
   * With the host's setuid-root newuidmap, as most images have it, the kiln user's ranges cannot be
   * mapped without CAP_SYS_ADMIN: kiln says so and why, steps as root still run, and a step as
   * another user fails naming the fix.
   */
  @Test
  void setuidHelpersGiveRootOnlyStepsAndAWarningNamingTheFix() throws Exception {
    Path home = rootfs.resolve("home/kiln");
    Path rootOnly = Files.createDirectories(home.resolve("root-only"));
    Files.writeString(rootOnly.resolve("Dockerfile"), "FROM busybox:kiln\nRUN id -u > /uid\n");
    Path asUser = Files.createDirectories(home.resolve("as-user"));
    Files.writeString(
        asUser.resolve("Dockerfile"), "FROM busybox:kiln\nUSER 1000\nRUN id -u > /tmp/uid\n");
    run("chown", "-R", KILN_UID + ":" + KILN_UID, rootOnly.toString(), asUser.toString());

    ProcessRunner.Result r =
        inContainer(
            "kiln",
            List.of(SETUID_HELPERS),
            "ls -l /usr/bin/newuidmap",
            "kiln build -q -t busybox:kiln base",
            "kiln build --progress=plain --no-cache root-only",
            "! kiln build --progress=plain --no-cache as-user");
    String said = "--- stdout ---\n" + r.stdout() + "\n--- stderr ---\n" + r.stderr();
    assertEquals(0, r.exitCode(), said);
    assertTrue(r.stdout().startsWith("-rwsr-xr-x"), "the helper is setuid: " + said);
    assertTrue(r.stderr().contains("RUN steps get one id (root) only"), said);
    assertTrue(r.stderr().contains("setcap cap_setuid=ep /usr/bin/newuidmap"), said);
    assertTrue(r.stderr().contains("the step runs as 1000:"), said);
    assertTrue(r.stderr().contains("Dockerfile:3:1"), said);
  }

  private static void assertUnprivileged(String stdout, String said) {
    String capEff =
        stdout.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().substring(7);
    long caps = Long.parseUnsignedLong(capEff.trim(), 16);
    assertEquals(0, caps & (1L << CAP_SYS_ADMIN), "the container has no CAP_SYS_ADMIN: " + said);
    assertTrue(stdout.contains("Seccomp:\t2"), "a seccomp filter is in force: " + said);
  }

  /** Runs {@code steps} (sh, {@code set -e}) in the unprivileged container as {@code user}. */
  private ProcessRunner.Result inContainer(String user, List<String> options, String... steps) {
    boolean root = user.equals("root");
    String home = root ? "/root" : "/home/kiln";
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String ids = root ? "0:0" : KILN_UID + ":" + KILN_UID;
    List<String> args =
        options.contains(MASKED_PROC)
            ? UnprivilegedPodman.runMaskedAs(ids)
            : UnprivilegedPodman.runAs(ids);
    args.addAll(List.of("--workdir", home, "-e", "HOME=" + home, "-v", "/usr:/usr:ro"));
    for (String top : List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
      Path host = Path.of("/", top);
      if (!Files.isSymbolicLink(host) && Files.isDirectory(host)) {
        args.addAll(List.of("-v", host + ":" + host + ":ro"));
      }
    }
    // The JDK's configuration may live under /etc (Debian's links conf/ to /etc/java-17-openjdk).
    try (Stream<Path> etc = Files.list(Path.of("/etc"))) {
      for (Path p : etc.filter(p -> p.getFileName().toString().startsWith("java")).toList()) {
        args.addAll(List.of("-v", p + ":" + p + ":ro"));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    if (!options.contains(SETUID_HELPERS)) {
      args.addAll(List.of("-v", helpers.resolve("newuidmap") + ":/usr/bin/newuidmap:ro"));
      args.addAll(List.of("-v", helpers.resolve("newgidmap") + ":/usr/bin/newgidmap:ro"));
    }
    args.addAll(
        options.stream().filter(o -> !o.equals(SETUID_HELPERS) && !o.equals(MASKED_PROC)).toList());
    args.addAll(List.of("--rootfs", rootfs.toString(), "sh", "-c"));
    args.add(
        "set -e; kiln() { "
            + java
            + " -jar /opt/kiln/kiln.jar \"$@\"; }; "
            + String.join("; ", steps));
    return ProcessRunner.run(podman(args), Map.of(), Duration.ofMinutes(10));
  }

  /** podman with storage of its own under the test directory (vfs: nothing left mounted). */
  private List<String> podman(List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "podman",
                "--root",
                work.resolve("podman").toString(),
                "--runroot",
                runRoot.toString(),
                "--storage-driver",
                "vfs"));
    command.addAll(args);
    return command;
  }

  /** Each entry's owner ({@code uid:gid}) and, for small files, its text. */
  private static void read(
      Path layout, String digest, Map<String, String> owners, Map<String, String> contents)
      throws IOException {
    Path blob = layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(blob));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        owners.put(e.getName(), e.getLongUserId() + ":" + e.getLongGroupId());
        if (e.isFile() && e.getSize() < 100) {
          contents.put(e.getName(), new String(tar.readAllBytes(), "UTF-8"));
        }
      }
    }
  }

  private static void run(String... command) {
    ProcessRunner.run(List.of(command), Map.of(), Duration.ofMinutes(2)).requireSuccess();
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // A stale temp directory is harmless.
    }
  }
}
