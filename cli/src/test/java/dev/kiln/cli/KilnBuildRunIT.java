package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.RepositoryRoot;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UnpackedImage;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln build} as a user runs it: the shaded CLI jar in its own JVM (what {@code ./kiln}
 * starts), on the multi-stage example of {@code testdata/examples/run-multistage} (RUN with cache
 * mounts and heredocs, COPY --from, USER), the result read by skopeo and umoci.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KilnBuildRunIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path work;
  private Path cacheDir;

  /** What one {@code kiln} process printed and returned. */
  private ProcessRunner.Result kiln(String... args) {
    Path jar = RepositoryRoot.resolve("cli/target/kiln.jar");
    assertTrue(Files.isRegularFile(jar), jar + " is built in the package phase, before this test");
    List<String> command = new ArrayList<>(List.of("java", "-jar", jar.toString()));
    command.addAll(List.of(args));
    // As ./kiln runs it: file names are bytes, mapped through a UTF-8 locale.
    return ProcessRunner.run(command, Map.of("LC_ALL", "C.UTF-8"), Duration.ofMinutes(5));
  }

  @BeforeAll
  void buildTheBase(@TempDir Path dir) throws Exception {
    work = dir;
    cacheDir = dir.resolve("cache");
    // The README's quick start: the offline busybox base, tagged busybox:kiln in kiln's store.
    Path base = Files.createDirectories(dir.resolve("base"));
    Files.copy(
        RepositoryRoot.resolve("testdata/images/busybox/Dockerfile"), base.resolve("Dockerfile"));
    Files.copy(BusyboxRootfs.tar(), base.resolve("rootfs.tar"));
    ProcessRunner.Result r =
        kiln("build", "--cache-dir", cacheDir.toString(), "-t", "busybox:kiln", base.toString());
    assertEquals(0, r.exitCode(), r.stderr());
  }

  private ProcessRunner.Result buildExample(Path layout, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "build",
                "--cache-dir",
                cacheDir.toString(),
                "--progress",
                "plain",
                "-t",
                "example:run",
                "-o",
                "type=oci,tar=false,dest=" + layout));
    args.addAll(List.of(extra));
    args.add(RepositoryRoot.resolve("testdata/examples/run-multistage").toString());
    return kiln(args.toArray(String[]::new));
  }

  @Test
  void buildsTheMultiStageExampleAndRealToolsReadIt() throws Exception {
    Path layout = work.resolve("layout");
    ProcessRunner.Result r = buildExample(layout);
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    String progress = r.stdout() + r.stderr();
    assertTrue(progress.contains("hello from kiln, build"), progress);

    JsonNode inspected =
        JSON.readTree(
            ProcessRunner.run(List.of("skopeo", "inspect", "oci:" + layout + ":run"))
                .requireSuccess()
                .stdout());
    JsonNode config =
        JSON.readTree(
            ProcessRunner.run(
                    List.of("skopeo", "inspect", "--config", "--raw", "oci:" + layout + ":run"))
                .requireSuccess()
                .stdout());
    assertEquals("kiln", config.path("config").path("User").asText());
    assertEquals("/srv/app", config.path("config").path("WorkingDir").asText());
    assertEquals("[\"/srv/app/bin/app\"]", config.path("config").path("Cmd").toString());
    assertEquals(inspected.path("Layers").size(), config.path("rootfs").path("diff_ids").size());

    UnpackedImage image =
        ImageInspector.unpackLayout(layout, "run", Files.createDirectories(work.resolve("u1")));
    Path app = image.rootfs().resolve("srv/app");
    assertEquals("1000:1000", owner(app));
    assertEquals("1000:1000", owner(app.resolve("bin/app")));
    assertEquals(0755, mode(app.resolve("bin/app")));
    assertEquals("built by root in /src", Files.readString(app.resolve("README")).strip());
    String number = Files.readString(app.resolve("build-number")).strip();
    assertEquals(
        "hello from kiln, build " + number, Files.readString(app.resolve("first-run")).strip());
    assertEquals("1000:1000", owner(app.resolve("first-run")));
    // Cache mounts stay out of the image.
    assertFalse(Files.exists(image.rootfs().resolve("var/cache/build"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(
        Files.exists(image.rootfs().resolve("home/kiln/.cache"), LinkOption.NOFOLLOW_LINKS));
    // The build stage's files do not reach the final image.
    assertFalse(Files.exists(image.rootfs().resolve("src"), LinkOption.NOFOLLOW_LINKS));

    // A second process, the cache not used for steps: the cache mount still has the first count.
    Path again = work.resolve("layout-again");
    ProcessRunner.Result second = buildExample(again, "--no-cache");
    assertEquals(0, second.exitCode(), second.stdout() + second.stderr());
    UnpackedImage rebuilt =
        ImageInspector.unpackLayout(again, "run", Files.createDirectories(work.resolve("u2")));
    assertEquals(
        String.valueOf(Integer.parseInt(number) + 1),
        Files.readString(rebuilt.rootfs().resolve("srv/app/build-number")).strip());
  }

  @Test
  void aFailingRunExitsWithTheBuildFailedCodeAndShowsWhereAndWhy() throws Exception {
    Path ctx = Files.createDirectories(work.resolve("failing"));
    Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM busybox:kiln\n"
            + "RUN echo preparing\n"
            + "RUN echo first line; echo the last words >&2; exit 42\n");
    ProcessRunner.Result r =
        kiln(
            "build",
            "--cache-dir",
            cacheDir.toString(),
            "--progress",
            "plain",
            "-o",
            "type=oci,tar=false,dest=" + work.resolve("never"),
            ctx.toString());
    assertEquals(ExitCode.BUILD_FAILED, r.exitCode(), r.stdout() + r.stderr());
    assertTrue(r.stderr().contains("Dockerfile:3"), r.stderr());
    assertTrue(r.stderr().contains("exit code: 42"), r.stderr());
    assertTrue(r.stderr().contains("the last words"), r.stderr());
    assertFalse(
        r.stderr().contains("at dev.kiln"), "no stack trace without --debug: " + r.stderr());
    assertFalse(Files.exists(work.resolve("never").resolve("index.json")));
  }

  private static String owner(Path p) throws Exception {
    Map<String, Object> a = Files.readAttributes(p, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
    return a.get("uid") + ":" + a.get("gid");
  }

  private static int mode(Path p) throws Exception {
    return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
  }
}
