package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.registry.model.Platform;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.Podman;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.CredentialHelperScript;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample Java application of {@code src/it/java-app} built by real {@code mvn} runs with the
 * plugin: pushed to a token-auth registry with credentials from an encrypted settings.xml, written
 * as tars and layouts, pushed again, rebuilt without changes, built from two checkouts, and run
 * with podman on a small JRE. Every image is checked with skopeo, umoci or podman. See {@link
 * SampleBuilds} for how the runs are set up.
 */
class JavaAppIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.token();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static SampleBuilds samples;

  @TempDir Path temp;

  @BeforeAll
  static void prepare() {
    samples =
        new SampleBuilds(
            registry.hostPort(),
            registry.tokenServer().realm().getRawAuthority(),
            registry.credentials().orElseThrow());
  }

  @Test
  void buildPushesTheApplicationImageWithTheCredentialsOfSettingsXml() throws Exception {
    Path project = samples.copy("java-app", "build");
    String image = registry.reference("java-app:1");

    MavenRun run =
        samples
            .mvn(
                project,
                samples.cacheWithBusybox("build-cache"),
                "clean",
                "package",
                "kiln:build",
                "resources:copy-resources@deployment",
                "-Dimage=" + image,
                "-Dkiln.tags=latest,1.0.0")
            .requireSuccess();

    String digest = digestFile(project);
    ImageInspector inspector = ImageInspector.of(registry);
    for (String tag : List.of("java-app:1", "java-app:latest", "java-app:1.0.0")) {
      assertEquals(digest, inspector.inspect(tag).path("Digest").asText(), tag);
    }
    assertTrue(run.log().contains("[INFO]   -> " + image + "@" + digest), run.log());
    // kiln.image.digest, used by a later goal of the same build.
    assertTrue(
        Files.readString(project.resolve("target/deploy/deployment.yaml"))
            .contains("image: " + image + "@" + digest));

    // One plain line per step, every layer step among them.
    assertEquals(
        List.of("RUN", "COPY", "COPY"),
        run.layerSteps().stream().map(MavenRun.Step::keyword).toList(),
        run.log());
    assertTrue(
        run.kilnLines().stream().noneMatch(l -> l.contains("\u001B")),
        "kiln's lines are plain: " + run.kilnLines());

    UnpackedImage unpacked = inspector.unpack("java-app:1", temp);
    JsonNode config = unpacked.configJson().path("config");
    assertEquals(List.of("java", "-jar", "/app/app.jar"), strings(config.path("Entrypoint")));
    assertTrue(strings(config.path("Cmd")).isEmpty(), config.toString());
    assertEquals("app", config.path("User").asText());
    assertEquals("/app", config.path("WorkingDir").asText());
    assertEquals("1.0.0", config.path("Labels").path("org.opencontainers.image.version").asText());
    assertEquals("java-app", config.path("Labels").path("org.opencontainers.image.title").asText());
    assertEquals("2024-01-01T00:00:00Z", unpacked.configJson().path("created").asText());

    Path rootfs = unpacked.rootfs();
    Path jar = rootfs.resolve("app/app.jar");
    assertEquals(-1, Files.mismatch(project.resolve("target/app.jar"), jar), "the jar Maven built");
    try (JarFile file = new JarFile(jar.toFile())) {
      Attributes main = file.getManifest().getMainAttributes();
      assertEquals("dev.kiln.sample.App", main.getValue("Main-Class"));
      assertNotNull(file.getEntry("dev/kiln/sample/App.class"));
      List<String> classPath = List.of(main.getValue("Class-Path").trim().split("\\s+"));
      assertTrue(classPath.contains("lib/jackson-databind-2.18.2.jar"), classPath.toString());
      for (String entry : classPath) {
        assertTrue(Files.isRegularFile(rootfs.resolve("app").resolve(entry)), entry);
      }
    }
    assertTrue(Files.isRegularFile(rootfs.resolve("bin/busybox")));
    assertTrue(
        Files.readString(rootfs.resolve("etc/passwd")).contains("app:x:10001:10001:"),
        "the RUN step's change");
  }

  @Test
  void forcedCompressionStoreNamedContextsAndTypedAnnotationsReachThePushedImage()
      throws Exception {
    Path project = samples.copy("java-app", "options");
    Path cache = samples.cacheWithBusybox("options-cache");
    String image = registry.reference("java-app-options:1");
    String platform = Platform.host().toString();

    samples
        .mvn(
            project,
            cache,
            "clean",
            "package",
            "kiln:build",
            "-Poptions",
            "-Dplatform=" + platform,
            "-Dimage=" + image)
        .requireSuccess();

    ImageInspector inspector = ImageInspector.of(registry);
    JsonNode index = JSON.readTree(inspector.rawManifest("java-app-options:1"));
    assertEquals("index", index.path("annotations").path("org.example.scope").asText(), "" + index);
    JsonNode descriptor = null;
    for (JsonNode m : index.path("manifests")) {
      if (m.path("platform").path("architecture").asText().equals(Platform.host().architecture())) {
        descriptor = m;
      }
    }
    assertNotNull(descriptor, "the image of this platform: " + index);
    String digest = descriptor.path("digest").asText();
    JsonNode manifest = JSON.readTree(inspector.rawManifest("java-app-options@" + digest));
    assertEquals(
        "manifest", manifest.path("annotations").path("org.example.scope").asText(), "" + manifest);
    List<String> layerTypes = new ArrayList<>();
    manifest.path("layers").forEach(l -> layerTypes.add(l.path("mediaType").asText()));
    assertFalse(layerTypes.isEmpty(), manifest.toString());
    assertTrue(
        layerTypes.stream().allMatch(t -> t.endsWith("+zstd")),
        "busybox's gzip layer recompressed too: " + layerTypes);
    // COPY --from=deps read the named context (without it, "deps" would be an image to pull); the
    // history says COPY without --from, as BuildKit's does.
    JsonNode config = JSON.readTree(inspector.rawConfig("java-app-options@" + digest));
    assertTrue(config.path("history").toString().contains("COPY . lib/"), "" + config);

    Optional<IndexEntry> stored = ContentStore.open(cache).index().find(image);
    assertTrue(stored.isPresent(), "store=true names the pushed image in kiln's store");
    assertEquals(digestFile(project), stored.get().digest().toString());
  }

  @Test
  void aCredentialHelperNamedInThePomLogsInOverSettingsXml() throws Exception {
    Path project = samples.copy("java-app", "credhelper");
    CredentialHelperScript helper =
        CredentialHelperScript.install(temp, "kiln-it", registry.credentials().orElseThrow());
    String image = registry.reference("java-app-helper:1");

    samples
        .mvnWithPath(
            helper.bin(),
            project,
            samples.cacheWithBusybox("credhelper-cache"),
            "clean",
            "package",
            "kiln:build",
            "-Pcredhelper",
            "-Dregistry.host=" + registry.hostPort(),
            "-Dcredential.helper=kiln-it",
            "-Dimage=" + image,
            // Docker's media types, as Jib's format=Docker; one step at a time.
            "-Dkiln.format=docker",
            "-Dkiln.maxParallelism=1")
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
        "the helper was asked for the registry, over settings.xml's server");
  }

  @Test
  void theApplicationImageRunsInPodman() throws Exception {
    Path project = samples.copy("java-app", "podman");
    Path cache = samples.cacheWithJre("podman-cache");

    samples
        .mvn(project, cache, "clean", "package", "kiln:buildTar", "-Dbase.image=jre:test")
        .requireSuccess();

    // podman starts the base image's JVM on the jar Maven built and its dependencies, as user app.
    ProcessRunner.Result ran =
        Podman.runArchive(
                project.resolve("target/kiln-image.tar"),
                samples.work().resolve("podman"),
                List.of("maven"))
            .requireSuccess();
    assertEquals("{\"greeting\":\"hello, maven\"}", ran.stdout().trim(), ran.stderr());
  }

  @Test
  void buildTarWritesAnOciArchiveThatIsAttachedAndInstalledOrADockerArchive() throws Exception {
    Path project = samples.copy("java-app", "tar");
    Path cache = samples.cacheWithBusybox("tar-cache");

    samples.mvn(project, cache, "clean", "install", "-Ptar").requireSuccess();

    Path tar = project.resolve("target/kiln-image.tar");
    Path installed =
        samples.repository().resolve("dev/kiln/sample/java-app/1.0.0/java-app-1.0.0-image.tar");
    assertEquals(-1, Files.mismatch(tar, installed), "the attached tar is installed");
    Path layout = Files.createDirectories(temp.resolve("layout"));
    ProcessRunner.run(List.of("tar", "-xf", tar.toString(), "-C", layout.toString()))
        .requireSuccess();
    UnpackedImage unpacked = ImageInspector.unpackLayout(layout, "1.0.0", temp);
    assertEquals(
        -1,
        Files.mismatch(
            project.resolve("target/app.jar"), unpacked.rootfs().resolve("app/app.jar")));
    assertEquals(
        List.of("java", "-jar", "/app/app.jar"),
        strings(unpacked.configJson().path("config").path("Entrypoint")));
    assertEquals(
        digestFile(project),
        LayoutIndex.digestOfTag(layout, "1.0.0"),
        "kiln-image.digest names the archive's image");

    samples
        .mvn(
            project,
            cache,
            "kiln:buildTar",
            "-Dkiln.format=docker",
            "-Dkiln.outputFile=target/docker-image.tar",
            "-Dimage=java-app:docker")
        .requireSuccess();
    Path docker = project.resolve("target/docker-image.tar");
    JsonNode dockerConfig =
        JSON.readTree(
            ProcessRunner.run(
                    List.of(
                        "skopeo",
                        "--insecure-policy",
                        "inspect",
                        "--config",
                        "docker-archive:" + docker))
                .requireSuccess()
                .stdout());
    assertEquals(
        List.of("java", "-jar", "/app/app.jar"),
        strings(dockerConfig.path("config").path("Entrypoint")));
    String list =
        ProcessRunner.run(List.of("tar", "-xOf", docker.toString(), "manifest.json"))
            .requireSuccess()
            .stdout();
    assertTrue(list.contains("\"java-app:docker\""), list);
  }

  @Test
  void aSecondBuildWithNoChangeRebuildsNoLayerAndUploadsNoBlob() throws Exception {
    Path project = samples.copy("java-app", "unchanged");
    Path cache = samples.cacheWithBusybox("unchanged-cache");
    String image = registry.reference("java-app-unchanged:1");
    String[] goals = {"clean", "package", "kiln:build", "-Dimage=" + image};

    samples.mvn(project, cache, goals).requireSuccess();
    String firstDigest = digestFile(project);
    int uploadsBefore = uploads("java-app-unchanged");
    MavenRun second = samples.mvn(project, cache, goals).requireSuccess();
    int uploadsAfter = uploads("java-app-unchanged");

    List<MavenRun.Step> layers = second.layerSteps();
    assertAll(
        () -> assertEquals(firstDigest, digestFile(project), "the same image"),
        () ->
            assertEquals(
                uploadsBefore,
                uploadsAfter,
                "the second push sent no blob (upload requests in the registry's log)"),
        () -> {
          assertEquals(3, layers.size(), second.log());
          assertTrue(
              layers.stream().allMatch(MavenRun.Step::cached),
              "every RUN and COPY of the second build is CACHED: " + layers);
        });
  }

  @Test
  void withOutputTimestampTwoCheckoutsBuildTheSameImage() throws Exception {
    Path a = samples.copy("java-app", "checkout-a/java-app");
    Path b = samples.copy("java-app", "checkout-b/elsewhere/java-app");
    // b is checked out later: every file has another modification time.
    FileTime later = FileTime.from(Instant.now().plus(Duration.ofDays(3)));
    try (Stream<Path> files = Files.walk(b)) {
      for (Path f : files.toList()) {
        Files.setLastModifiedTime(f, later);
      }
    }

    samples
        .mvn(a, samples.cacheWithBusybox("checkout-a/cache"), "clean", "package", "kiln:buildTar")
        .requireSuccess();
    samples
        .mvn(b, samples.cacheWithBusybox("checkout-b/cache"), "clean", "package", "kiln:buildTar")
        .requireSuccess();

    assertEquals(digestFile(a), digestFile(b));
    assertEquals(
        -1,
        Files.mismatch(a.resolve("target/kiln-image.tar"), b.resolve("target/kiln-image.tar")),
        "byte-identical archives");

    // Control: without the timestamp, the build is not reproducible, so the check above can fail.
    samples
        .mvn(
            b,
            samples.cacheWithBusybox("checkout-b/cache-2"),
            "clean",
            "package",
            "kiln:buildTar",
            "-Dproject.build.outputTimestamp=x")
        .requireSuccess();
    assertNotEquals(digestFile(a), digestFile(b));
  }

  @Test
  void pushSendsTheLayoutOrTheTarThatWasBuiltOrAnyArchiveKilnPushReads() throws Exception {
    Path project = samples.copy("java-app", "push");
    Path cache = samples.cacheWithBusybox("push-cache");

    MavenRun fromLayout =
        samples
            .mvn(
                project,
                cache,
                "clean",
                "package",
                "kiln:buildLayout",
                "kiln:push",
                "-Dimage=" + registry.reference("java-app-pushed:layout"))
            .requireSuccess();
    Path layout = project.resolve("target/kiln-image");
    assertTrue(fromLayout.log().contains("[INFO] kiln: pushing " + layout), fromLayout.log());
    String layoutDigest = LayoutIndex.digestOfTag(layout, "layout");
    ImageInspector inspector = ImageInspector.of(registry);
    assertEquals(layoutDigest, inspector.inspect("java-app-pushed:layout").path("Digest").asText());
    assertEquals(
        ImageInspector.manifestOfLayout(layout, "layout"),
        inspector.rawManifest("java-app-pushed:layout"));

    MavenRun fromTar =
        samples
            .mvn(
                project,
                cache,
                "kiln:buildTar",
                "kiln:push",
                "-Dimage=" + registry.reference("java-app-pushed:tar"))
            .requireSuccess();
    assertTrue(
        fromTar.log().contains("[INFO] kiln: pushing " + project.resolve("target/kiln-image.tar")),
        fromTar.log());
    assertEquals(
        digestFile(project), inspector.inspect("java-app-pushed:tar").path("Digest").asText());

    // What kiln push reads, the goal reads: here an archive in the format of docker save before
    // Docker 25 (manifest.json and <id>/layer.tar only), named relative to the project.
    ProcessRunner.run(
            List.of(
                "skopeo",
                "--insecure-policy",
                "copy",
                "oci:" + layout + ":layout",
                "docker-archive:" + project.resolve("target/legacy.tar") + ":java-app:legacy"))
        .requireSuccess();
    samples
        .mvn(
            project,
            cache,
            "kiln:push",
            "-Dkiln.source=target/legacy.tar",
            "-Dimage=" + registry.reference("java-app-pushed:legacy"))
        .requireSuccess();
    assertEquals(
        inspector.rawConfig("java-app-pushed:layout"),
        inspector.rawConfig("java-app-pushed:legacy"),
        "the same image (skopeo rewrote the manifest of the archive, not the config)");
  }

  @Test
  void aDockerfileErrorFailsTheBuildAndSaysWhereAndSkipSkips() throws Exception {
    Path project = samples.copy("dockerfile-error", "dockerfile-error");
    Path cache = samples.cacheWithBusybox("error-cache");

    MavenRun failed = samples.mvn(project, cache, "kiln:buildTar");

    assertNotEquals(0, failed.exitCode());
    assertTrue(failed.log().contains("BUILD FAILURE"), failed.log());
    assertTrue(
        failed
            .log()
            .contains("on project dockerfile-error: Dockerfile:3:1: unknown instruction: FORM"),
        failed.log());
    assertTrue(failed.log().contains("hint: did you mean FROM?"), failed.log());

    MavenRun skipped =
        samples.mvn(project, cache, "kiln:buildTar", "-Dkiln.skip=true").requireSuccess();
    assertTrue(skipped.log().contains("[INFO] kiln: skipped (kiln.skip=true)"), skipped.log());
    assertFalse(Files.exists(project.resolve("target/kiln-image.tar")));

    // kiln:check, as kiln build --check: a Dockerfile that parses but breaks a rule fails.
    Files.writeString(project.resolve("Dockerfile"), "FROM busybox:test as base\n");
    MavenRun checked = samples.mvn(project, cache, "kiln:check");
    assertNotEquals(0, checked.exitCode());
    assertTrue(checked.log().contains("[WARNING] Dockerfile:1: FromAsCasing"), checked.log());
    assertTrue(checked.log().contains("Check complete, 1 warning found."), checked.log());
  }

  /** Upload requests for {@code repository} in the registry's log so far. */
  private static int uploads(String repository) {
    Matcher m =
        Pattern.compile(Pattern.quote("/v2/" + repository + "/blobs/uploads"))
            .matcher(registry.log());
    int count = 0;
    while (m.find()) {
      count++;
    }
    return count;
  }

  private static String digestFile(Path project) throws Exception {
    return Files.readString(project.resolve("target/kiln-image.digest")).trim();
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
