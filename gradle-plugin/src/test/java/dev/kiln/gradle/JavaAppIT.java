package dev.kiln.gradle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Platform;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.Podman;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.CredentialHelperScript;
import dev.kiln.testdata.registry.Credentials;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample Java application of {@code src/it/java-app} built by real runs of Debian's {@code
 * gradle} (4.4.1) with the plugin: pushed to a token-auth registry with credentials from Gradle
 * properties, written as an OCI archive that podman runs, built again in a forked JVM from another
 * checkout (the same bytes), written as a layout and pushed, and failing with kiln's message. Every
 * image is checked with skopeo, umoci or podman. See {@link GradleSamples} for how the runs are set
 * up.
 */
class JavaAppIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.token();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static GradleSamples samples;

  @TempDir Path temp;

  @BeforeAll
  static void prepare() {
    samples = new GradleSamples();
  }

  @Test
  void kilnBuildRunsAfterAssembleAndPushesWithCredentialsFromGradleProperties() throws Exception {
    Path project = samples.copy("java-app", "build");
    String image = registry.reference("java-app:1");

    GradleRun run =
        samples
            .gradle(
                project,
                samples.cacheWithBase("build-cache"),
                withAuth("kilnBuild", "-Pkiln.image=" + image, "-Pkiln.tags=latest,1.0.0"))
            .requireSuccess();

    List<String> tasks = run.tasks();
    assertTrue(
        tasks.indexOf(":jar") >= 0
            && tasks.indexOf(":jar") < tasks.indexOf(":assemble")
            && tasks.indexOf(":assemble") < tasks.indexOf(":kilnBuild"),
        "kilnBuild runs after jar and assemble: " + tasks);
    String digest = digestFile(project);
    ImageInspector inspector = ImageInspector.of(registry);
    for (String tag : List.of("java-app:1", "java-app:latest", "java-app:1.0.0")) {
      assertEquals(digest, inspector.inspect(tag).path("Digest").asText(), tag);
    }
    assertTrue(run.log().contains("  -> " + image + "@" + digest), run.log());
    assertTrue(
        run.log().contains("kiln: SOURCE_DATE_EPOCH=1704067200 (from kiln.sourceDateEpoch)"),
        run.log());
    assertEquals(
        List.of("RUN", "COPY", "COPY"),
        run.layerSteps().stream().map(GradleRun.Step::keyword).toList(),
        run.log());

    UnpackedImage unpacked = inspector.unpack("java-app:1", temp);
    JsonNode config = unpacked.configJson().path("config");
    assertEquals(List.of("java", "-jar", "/app/app.jar"), strings(config.path("Entrypoint")));
    assertEquals("app", config.path("User").asText());
    assertEquals("/app", config.path("WorkingDir").asText());
    assertEquals("1.0.0", config.path("Labels").path("org.opencontainers.image.version").asText());
    assertEquals("java-app", config.path("Labels").path("org.opencontainers.image.title").asText());
    assertEquals("2024-01-01T00:00:00Z", unpacked.configJson().path("created").asText());

    Path rootfs = unpacked.rootfs();
    Path jar = rootfs.resolve("app/app.jar");
    assertEquals(
        -1,
        Files.mismatch(project.resolve("build/libs/java-app-1.0.0.jar"), jar),
        "the jar Gradle built");
    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      assertEquals("dev.kiln.sample.App", main.getValue("Main-Class"));
      assertNotNull(file.getEntry("dev/kiln/sample/App.class"));
      for (String entry : main.getValue("Class-Path").trim().split("\\s+")) {
        assertTrue(Files.isRegularFile(rootfs.resolve("app").resolve(entry)), entry);
      }
    }
    assertTrue(
        Files.readString(rootfs.resolve("etc/passwd")).contains("app:x:10001:10001:"),
        "the RUN step's change");
  }

  @Test
  void kilnBuildTarWritesAnArchivePodmanRunsAndAForkedKilnBuildsTheSameBytes() throws Exception {
    Path a = samples.copy("java-app", "checkout-a/java-app");
    Path b = samples.copy("java-app", "checkout-b/elsewhere/java-app");
    // b is checked out later: every file has another modification time.
    FileTime later = FileTime.from(Instant.now().plus(Duration.ofDays(3)));
    try (Stream<Path> files = Files.walk(b)) {
      for (Path f : files.toList()) {
        Files.setLastModifiedTime(f, later);
      }
    }

    samples.gradle(a, samples.cacheWithBase("checkout-a/cache"), "kilnBuildTar").requireSuccess();
    GradleRun forked =
        samples
            .gradle(
                b, samples.cacheWithBase("checkout-b/cache"), "kilnBuildTar", "-Pkiln.fork=true")
            .requireSuccess();

    Path tar = a.resolve("build/kiln-image.tar");
    assertEquals(digestFile(a), digestFile(b));
    assertEquals(
        -1, Files.mismatch(tar, b.resolve("build/kiln-image.tar")), "byte-identical archives");
    assertEquals(3, forked.layerSteps().size(), "the forked JVM's steps reach Gradle's log");
    assertTrue(forked.log().contains("kiln: wrote " + b.resolve("build/kiln-image.tar")));

    JsonNode config =
        JSON.readTree(
            ProcessRunner.run(
                    List.of(
                        "skopeo", "--insecure-policy", "inspect", "--config", "oci-archive:" + tar))
                .requireSuccess()
                .stdout());
    assertEquals(
        List.of("java", "-jar", "/app/app.jar"), strings(config.path("config").path("Entrypoint")));

    // The image runs: podman starts the JVM of the base image on the application's jar and its
    // dependencies, as user app.
    ProcessRunner.Result ran =
        Podman.runArchive(tar, samples.work().resolve("podman"), List.of("gradle"))
            .requireSuccess();
    assertEquals("{\"greeting\":\"hello, gradle\"}", ran.stdout().trim(), ran.stderr());
  }

  @Test
  void kilnPushSendsWhatThisRunBuiltNotALeftoverArchive() throws Exception {
    Path project = samples.copy("java-app", "push");
    Path cache = samples.cacheWithBase("push-cache");
    // A leftover from an earlier run: another image (its label differs) in build/kiln-image.tar,
    // and newer on disk than anything this run will write.
    samples.gradle(project, cache, "kilnBuildTar", "-Pkiln.label.variant=old").requireSuccess();
    String leftover = digestFile(project);
    Path tar = project.resolve("build/kiln-image.tar");
    Files.setLastModifiedTime(tar, FileTime.from(Instant.now().plus(Duration.ofDays(1))));

    GradleRun run =
        samples
            .gradle(
                project,
                cache,
                withAuth(
                    "kilnBuildLayout",
                    "kilnPush",
                    "-Pkiln.image=" + registry.reference("java-app-pushed:layout")))
            .requireSuccess();

    Path layout = project.resolve("build/kiln-image");
    String layoutDigest = LayoutDigests.ofTag(layout, "layout");
    assertNotEquals(leftover, layoutDigest);
    assertTrue(run.log().contains("kiln: pushing " + layout), run.log());
    ImageInspector inspector = ImageInspector.of(registry);
    assertEquals(layoutDigest, inspector.inspect("java-app-pushed:layout").path("Digest").asText());
    assertEquals(
        ImageInspector.manifestOfLayout(layout, "layout"),
        inspector.rawManifest("java-app-pushed:layout"));
    assertTrue(
        run.layerSteps().stream().allMatch(GradleRun.Step::cached),
        "the second build of the same sources reuses every layer: " + run.layerSteps());

    // kilnPush alone, with both on disk: the newer (here the tar), and it says so.
    GradleRun alone =
        samples
            .gradle(
                project,
                cache,
                withAuth("kilnPush", "-Pkiln.image=" + registry.reference("java-app-pushed:alone")))
            .requireSuccess();
    assertTrue(alone.log().contains("exist; pushing the newer, " + tar), alone.log());
    assertEquals(leftover, inspector.inspect("java-app-pushed:alone").path("Digest").asText());
  }

  @Test
  void aDockerfileErrorFailsTheTaskAndSaysWhereAndSkipSkips() throws Exception {
    Path project = samples.copy("java-app", "dockerfile-error");
    Files.writeString(
        project.resolve("Dockerfile"), "# a typo on line 3\nARG BASE=jre:test\nFORM ${BASE}\n");
    Path cache = samples.cacheWithBase("error-cache");

    GradleRun failed = samples.gradle(project, cache, "kilnBuildTar");

    assertNotEquals(0, failed.exitCode());
    assertTrue(failed.log().contains("Execution failed for task ':kilnBuildTar'."), failed.log());
    assertTrue(failed.log().contains("Dockerfile:3:1: unknown instruction: FORM"), failed.log());
    assertTrue(failed.log().contains("hint: did you mean FROM?"), failed.log());

    GradleRun skipped =
        samples.gradle(project, cache, "kilnBuildTar", "-Pkiln.skip=true").requireSuccess();
    assertTrue(skipped.log().contains("kiln: skipped (kiln.skip=true)"), skipped.log());
    assertFalse(Files.exists(project.resolve("build/kiln-image.tar")));

    // kilnCheck, as kiln build --check: a Dockerfile that parses but breaks a rule fails.
    // (The sample's build.gradle passes BASE and JAR_FILE: declared, so not reported unused.)
    Files.writeString(
        project.resolve("Dockerfile"), "ARG BASE\nARG JAR_FILE\nFROM jre:test as base\n");
    GradleRun checked = samples.gradle(project, cache, "kilnCheck");
    assertNotEquals(0, checked.exitCode());
    assertTrue(checked.log().contains("Dockerfile:3: FromAsCasing"), checked.log());
    assertTrue(checked.log().contains("Check complete, 1 warning found."), checked.log());
    assertFalse(
        checked.tasks().contains(":assemble"), "the checks need no jar: " + checked.tasks());
  }

  @Test
  void theCliOptionsReachTheBuildAndBadValuesFailWithTheClisMessage() throws Exception {
    Path project = samples.copy("java-app", "options");
    Path cache = samples.cacheWithBase("options-cache");
    String image = registry.reference("java-app-options:1");
    String platform = Platform.host().toString();

    GradleRun bad =
        samples.gradle(
            project,
            cache,
            "kilnBuildTar",
            "-Poptions=true",
            "-Pplatform=" + platform,
            "-Pkiln.shmSize=lots");
    assertNotEquals(0, bad.exitCode());
    assertTrue(bad.log().contains("--shm-size lots: not a size"), bad.log());

    samples
        .gradle(
            project,
            cache,
            withAuth(
                "kilnBuild", "-Poptions=true", "-Pplatform=" + platform, "-Pkiln.image=" + image))
        .requireSuccess();

    // store = true: the pushed index is named in kiln's store too, with every blob it needs.
    ContentStore store = ContentStore.open(cache);
    IndexEntry stored = store.index().find(image).orElseThrow();
    assertEquals(digestFile(project), stored.digest().toString());
    assertEquals(
        stored.digest().toString(),
        ImageInspector.digestOf(ImageInspector.of(registry).rawManifest("java-app-options:1")));
    JsonNode index = JSON.readTree(store.paths().blob(stored.digest()).toFile());
    assertEquals("index", index.path("annotations").path("org.example.scope").asText(), "" + index);
    JsonNode descriptor = null;
    for (JsonNode m : index.path("manifests")) {
      if (m.path("platform").path("architecture").asText().equals(Platform.host().architecture())) {
        descriptor = m;
      }
    }
    assertNotNull(descriptor, "the image of this platform: " + index);
    JsonNode manifest = JSON.readTree(blob(store, descriptor.path("digest").asText()).toFile());
    assertEquals(
        "manifest", manifest.path("annotations").path("org.example.scope").asText(), "" + manifest);
    String runOptions = null;
    List<String> layerTypes = new ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      layerTypes.add(layer.path("mediaType").asText());
      String text = zstdTarEntry(blob(store, layer.path("digest").asText()), "run-options");
      runOptions = text != null ? text : runOptions;
    }
    assertTrue(
        !layerTypes.isEmpty() && layerTypes.stream().allMatch(t -> t.endsWith("+zstd")),
        "the base's layers recompressed too: " + layerTypes);
    assertNotNull(runOptions, "the RUN step's file");
    List<String> lines = List.of(runOptions.trim().split("\n"));
    assertEquals(List.of("10.0.0.5", "db.local"), List.of(lines.get(0).trim().split("\\s+")));
    assertEquals("512", lines.get(1).trim(), "ulimits");
    assertEquals("98304", lines.get(2).trim().split("\\s+")[1], "shmSize: " + lines.get(2));
    JsonNode config =
        JSON.readTree(blob(store, manifest.path("config").path("digest").asText()).toFile());
    assertTrue(config.path("history").toString().contains("COPY . lib/"), "" + config);
  }

  private static Path blob(ContentStore store, String digest) {
    return store.paths().blob(Digest.parse(digest));
  }

  /** The text of {@code name} in a zstd-compressed layer, or null when it has none. */
  private static String zstdTarEntry(Path layer, String name) throws Exception {
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(new ZstdCompressorInputStream(Files.newInputStream(layer)))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.getName().replaceFirst("^\\./", "").equals(name)) {
          return new String(tar.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
      }
    }
    return null;
  }

  @Test
  void aCredentialHelperNamedInTheBlockLogsIn() throws Exception {
    Path project = samples.copy("java-app", "credhelper");
    CredentialHelperScript helper =
        CredentialHelperScript.install(temp, "kiln-it", registry.credentials().orElseThrow());
    String image = registry.reference("java-app-helper:1");

    samples
        .gradle(
            project,
            samples.cacheWithBase("credhelper-cache"),
            Map.of("PATH", helper.bin() + File.pathSeparator + System.getenv("PATH")),
            "kilnBuild",
            "-Pkiln.image=" + image,
            "-PcredentialHelper=kiln-it",
            "-PregistryHost=" + registry.hostPort(),
            "-Pkiln.plainHttpCredentialHosts="
                + registry.hostPort()
                + ","
                + registry.tokenServer().realm().getRawAuthority(),
            // Docker's media types, as Jib's format = 'Docker'; one step at a time.
            "-Pkiln.format=docker",
            "-Pkiln.maxParallelism=1")
        .requireSuccess();

    assertEquals(
        digestFile(project),
        ImageInspector.of(registry).inspect("java-app-helper:1").path("Digest").asText());
    assertEquals(
        "application/vnd.docker.distribution.manifest.v2+json",
        JSON.readTree(ImageInspector.of(registry).rawManifest("java-app-helper:1"))
            .path("mediaType")
            .asText());
    assertTrue(
        Files.readString(helper.asked()).startsWith(registry.hostPort()),
        "the helper was asked for the registry");
  }

  /** The task arguments plus the registry's credentials as Gradle properties. */
  private static String[] withAuth(String... args) {
    Credentials credentials = registry.credentials().orElseThrow();
    String host = registry.hostPort();
    List<String> all = new ArrayList<>(List.of(args));
    all.add("-Pkiln.auth." + host + ".username=" + credentials.username());
    all.add("-Pkiln.auth." + host + ".password=" + credentials.password());
    // The test registry and its token server speak plain HTTP: credentials go there only when
    // allowed (loopback registries are insecure already).
    all.add(
        "-Pkiln.plainHttpCredentialHosts="
            + host
            + ","
            + registry.tokenServer().realm().getRawAuthority());
    return all.toArray(new String[0]);
  }

  private static String digestFile(Path project) throws Exception {
    return Files.readString(project.resolve("build/kiln-image.digest")).trim();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
