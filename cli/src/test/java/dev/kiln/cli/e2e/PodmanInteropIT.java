package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What podman (Debian 12's 4.3), skopeo and kiln itself make of kiln's archives: each loads the
 * image under its whole name (podman used to name it {@code localhost/<tag>:latest}), and a
 * HEALTHCHECK reaches podman in an image with Docker media types ({@code --format docker}) only.
 */
class PodmanInteropIT {
  private static final String NAME = "registry.example/team/app:1";

  @TempDir static Path home;
  static Path runRoot;
  static KilnCli kiln;
  static KilnCli.Result build;

  @BeforeAll
  static void buildArchives() throws IOException {
    runRoot = Files.createTempDirectory(Path.of("/tmp"), "kpod");
    kiln = new KilnCli(home);
    Path context =
        kiln.context(
            "app",
            Map.of(
                "Dockerfile",
                "FROM scratch\nCOPY hello /hello\nHEALTHCHECK --interval=5s CMD [\"/hello\"]\n",
                "hello",
                "hi\n"));
    build =
        kiln.run(
                "build",
                "--progress=plain",
                "-t",
                NAME,
                "--load",
                "-o",
                "type=oci,dest=" + home.resolve("oci.tar"),
                "-o",
                "type=docker,dest=" + home.resolve("docker.tar"),
                context.toString())
            .ok();
    kiln.run("save", NAME, "--format", "oci", "-o", home.resolve("saved-oci.tar").toString()).ok();
    kiln.run("save", NAME, "-o", home.resolve("saved-docker.tar").toString()).ok();
    kiln.run(
            "build",
            "-q",
            "--format",
            "docker",
            "-t",
            "registry.example/team/app:docker",
            "-o",
            "type=oci,dest=" + home.resolve("docker-types.tar"),
            context.toString())
        .ok();
  }

  @Test
  void podmanLoadsEachArchiveUnderItsWholeName() {
    for (String archive : List.of("oci.tar", "docker.tar", "saved-oci.tar", "saved-docker.tar")) {
      String loaded = podman(archive, "load", "-i", home.resolve(archive).toString());
      assertTrue(loaded.contains("Loaded image: " + NAME), archive + ": " + loaded);
      String images = podman(archive, "images", "--format", "{{.Repository}}:{{.Tag}}");
      assertEquals(NAME, images.strip(), archive);
    }
  }

  @Test
  void skopeoSelectsByTagAndByName() {
    Skopeo.rawManifest("oci-archive:" + home.resolve("oci.tar") + ":1");
    Skopeo.rawManifest("docker-archive:" + home.resolve("docker.tar") + ":" + NAME);
    Skopeo.rawManifest("oci-archive:" + home.resolve("saved-oci.tar") + ":1");
  }

  @Test
  void kilnLoadsItsOwnArchivesUnderTheirNames() {
    KilnCli other = kiln.withEnv("KILN_CACHE_DIR", home.resolve("other-store").toString());
    for (String archive : List.of("oci.tar", "docker.tar")) {
      KilnCli.Result load = other.run("load", home.resolve(archive).toString()).ok();
      assertEquals("Loaded image: " + NAME + "\n", load.stdout(), archive);
    }
    other.run("inspect", "oci-archive:" + home.resolve("oci.tar") + ":" + NAME).ok();
  }

  @Test
  void aHealthcheckReachesPodmanOnlyWithDockerMediaTypes() {
    assertTrue(
        build.stderr().contains("HEALTHCHECK is in an image with OCI media types"),
        build.describe());
    assertTrue(build.stderr().contains("--format docker"), build.describe());

    podman("hc-oci", "load", "-i", home.resolve("oci.tar").toString());
    assertEquals(
        "<nil>",
        podman("hc-oci", "image", "inspect", "--format", "{{.HealthCheck}}", NAME).strip());
    podman("hc-docker", "load", "-i", home.resolve("docker-types.tar").toString());
    String docker =
        podman(
            "hc-docker",
            "image",
            "inspect",
            "--format",
            "{{.HealthCheck}}",
            "registry.example/team/app:docker");
    assertTrue(docker.contains("/hello"), docker);
  }

  @AfterAll
  static void removeRunRoot() throws IOException {
    ProcessRunner.run(List.of("rm", "-rf", runRoot.toString()));
  }

  /**
   * podman with a store of its own per {@code storage}, so no test sees another's images. Its run
   * state goes in a short directory: podman refuses a runroot longer than 50 characters.
   */
  private static String podman(String storage, String... args) {
    List<String> command = new ArrayList<>();
    command.add("podman");
    command.add("--root");
    command.add(home.resolve("podman-" + storage).toString());
    command.add("--runroot");
    command.add(runRoot.resolve(storage).toString());
    command.add("--storage-driver");
    command.add("vfs");
    command.addAll(List.of(args));
    return ProcessRunner.run(command).requireSuccess().stdout();
  }
}
