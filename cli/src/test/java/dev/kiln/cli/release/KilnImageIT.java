package dev.kiln.cli.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.e2e.UnprivilegedPodman;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kiln's own image, built by kiln from {@code packaging/Dockerfile} and the release archive
 * (README, "The container image"), on the fresh Debian of {@link ReleaseArchiveIT} as its base
 * instead of {@code debian:bookworm-slim} (no Docker Hub here); its RUN installs packages from the
 * Debian mirror. The image is then run by podman with podman's defaults (no {@code CAP_SYS_ADMIN}),
 * as root and as its user {@code kiln}, and builds a multi-stage Dockerfile with RUN there, pushed
 * to a registry on the host's loopback; that image runs too, with the owners its steps gave.
 *
 * <p>Runs with {@code mvn -Prelease verify}; needs JDK 25 (the release), the Debian mirror, podman
 * and root.
 */
class KilnImageIT {
  private static final int KILN_UID = 1000;

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  @TempDir Path work;
  private Path runRoot;

  @AfterEach
  void removeRunRoot() {
    if (runRoot != null) {
      deleteTree(runRoot);
    }
  }

  @Test
  void kilnBuildsItsImageWhichRunsStepsInAnUnprivilegedContainer() throws Exception {
    runRoot = Files.createTempDirectory(Path.of("/tmp"), "kpod");
    Path base = Files.createDirectories(work.resolve("debian"));
    Files.copy(ReleaseInputs.freshDebian(), base.resolve("rootfs.tar"));
    Files.writeString(base.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\n");
    Path context = Files.createDirectories(work.resolve("context"));
    Path archive = ReleaseInputs.releaseArchive();
    Files.copy(archive, context.resolve(archive.getFileName()));
    Path image = work.resolve("kiln-image.tar");

    kiln("build", "-q", "-t", "debian:fresh", base.toString());
    kiln(
        "build",
        "--progress=plain",
        "-f",
        ReleaseInputs.repository().resolve("packaging/Dockerfile").toString(),
        "--build-arg",
        "BASE=debian:fresh",
        "-t",
        "localhost/kiln:test",
        "-o",
        "type=oci,dest=" + image,
        context.toString());
    podman(List.of("load", "-q", "-i", image.toString())).requireSuccess();

    ProcessRunner.Result caps =
        podman(
                runArgs(
                    "root",
                    "--entrypoint",
                    "getcap",
                    "localhost/kiln:test",
                    "/usr/bin/newuidmap",
                    "/usr/bin/newgidmap"))
            .requireSuccess();
    assertTrue(caps.stdout().contains("/usr/bin/newuidmap cap_setuid=ep"), caps.stdout());
    assertTrue(caps.stdout().contains("/usr/bin/newgidmap cap_setgid=ep"), caps.stdout());

    for (String user : List.of("root", "kiln")) {
      Path workspace = workspace(user);
      String app = registry.hostPort() + "/app:" + user;
      List<String> args =
          runArgs(
              user,
              "-v",
              workspace + ":/workspace",
              "--entrypoint",
              "sh",
              "localhost/kiln:test",
              "-c",
              "set -e; grep CapEff /proc/self/status; kiln build -q -t busybox:kiln base;"
                  + " kiln build --progress=plain -t "
                  + app
                  + " --push app");
      ProcessRunner.Result built = podman(args);
      String said = user + ":\n" + built.stdout() + "\n" + built.stderr();
      assertEquals(0, built.exitCode(), said);
      String capEff = built.stdout().lines().filter(l -> l.startsWith("CapEff:")).findFirst().get();
      assertEquals(
          0,
          Long.parseUnsignedLong(capEff.substring(7).trim(), 16) & (1L << 21),
          "no CAP_SYS_ADMIN: " + said);

      ProcessRunner.Result ran =
          podman(
              runArgs(
                  "root",
                  "--tls-verify=false",
                  "--entrypoint",
                  "sh",
                  app,
                  "-c",
                  "cat /app/built /home/u/by-user; stat -c %u:%g /data/other /home/u/by-user"));
      assertEquals(0, ran.exitCode(), ran.stdout() + ran.stderr());
      assertEquals("built\nuser\n1234:2345\n1000:1000\n", ran.stdout(), user);
    }
  }

  /** The busybox base and a multi-stage app with RUN, readable by {@code user}. */
  private Path workspace(String user) throws IOException {
    Path dir = Files.createDirectories(work.resolve("workspace-" + user));
    UnprivilegedPodman.writeBusyboxBase(dir);
    Path app = Files.createDirectories(dir.resolve("app"));
    Files.writeString(
        app.resolve("Dockerfile"),
        "FROM busybox:kiln AS build\n"
            + "RUN mkdir /out && echo built > /out/built\n"
            + "FROM busybox:kiln\n"
            + "COPY --from=build /out/ /app/\n"
            + "RUN mkdir -p /data /home/u && touch /data/other && chown 1234:2345 /data/other"
            + " && chmod 0777 /home/u\n"
            + "USER 1000:1000\n"
            + "RUN echo user > /home/u/by-user\n");
    if (!user.equals("root")) {
      ProcessRunner.run(List.of("chown", "-R", KILN_UID + ":" + KILN_UID, dir.toString()))
          .requireSuccess();
    }
    return dir;
  }

  private List<String> runArgs(String user, String... rest) {
    List<String> args = UnprivilegedPodman.runAs(user);
    args.addAll(List.of(rest));
    return args;
  }

  private void kiln(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ReleaseInputs.repository().resolve("cli/target/kiln.jar").toString()));
    command.addAll(List.of(args));
    ProcessRunner.Result r =
        ProcessRunner.run(
            command,
            Map.of("KILN_CACHE_DIR", work.resolve("store").toString()),
            Duration.ofMinutes(15));
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
  }

  /** podman with storage of its own under the test directory (vfs: nothing left mounted). */
  private ProcessRunner.Result podman(List<String> args) {
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
    return ProcessRunner.run(command, Map.of(), Duration.ofMinutes(10));
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
