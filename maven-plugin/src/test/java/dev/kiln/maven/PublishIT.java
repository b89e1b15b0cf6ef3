package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.files.TreeDeletion;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Publishing as a release would: {@code mvn -Ppublish deploy} of the Maven and Gradle plugins and
 * what they need, from a copy of this checkout, to a file repository; then the sample project
 * builds its image with the plugin resolved from that repository alone, in a fresh local
 * repository, so nothing installed by hand (kiln-testdata, which is never published, least of all)
 * is needed.
 */
class PublishIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.token();

  private static SampleBuilds samples;

  @BeforeAll
  static void prepare() {
    samples =
        new SampleBuilds(
            registry.hostPort(),
            registry.tokenServer().realm().getRawAuthority(),
            registry.credentials().orElseThrow());
  }

  @Test
  void theDeployedPluginBuildsTheSampleFromARepositoryAlone() throws Exception {
    Path checkout = copyOfCheckout(samples.work().resolve("publish/checkout"));
    Path published = samples.work().resolve("publish/repository");
    // install is skipped: deploy would otherwise install into the shared ~/.m2 first.
    samples
        .run(
            checkout,
            List.of(
                samples.mvnExecutable().toString(),
                "-B",
                // Not -o: Maven refuses to deploy offline, even to a file repository.
                "-Dstyle.color=never",
                "-Dmaven.repo.local=" + samples.outerRepository(),
                "-Ppublish",
                "-DskipTests",
                "-Dinvoker.skip=true",
                "-Dmaven.install.skip=true",
                "-pl",
                "maven-plugin,gradle-plugin",
                "-am",
                "deploy",
                "-DaltDeploymentRepository=publish-it::" + published.toUri()))
        .requireSuccess();

    for (String module :
        List.of("kiln-maven-plugin", "kiln-builder-core", "kiln-registry-client")) {
      List<String> files = deployed(published, module);
      for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar", ".pom")) {
        assertTrue(
            files.stream().anyMatch(f -> f.endsWith(suffix)), module + suffix + ": " + files);
      }
    }
    assertFalse(
        Files.exists(published.resolve("dev/kiln/kiln-testdata")),
        "kiln-testdata is not published");
    Path pluginJar = only(published, "kiln-maven-plugin", ".jar");
    try (JarFile jar = new JarFile(pluginJar.toFile())) {
      assertTrue(jar.getEntry("META-INF/maven/plugin.xml") != null, "the plugin descriptor");
    }
    try (JarFile jar = new JarFile(only(published, "kiln-gradle-plugin", ".jar").toFile())) {
      assertTrue(
          jar.getEntry("META-INF/gradle-plugins/dev.kiln.properties") != null,
          "the Gradle plugin's id");
    }
    Path pluginPom = only(published, "kiln-maven-plugin", ".pom");
    String effective = Files.readString(only(published, "kiln-parent", ".pom"));
    for (String element : List.of("<url>", "<licenses>", "<developers>", "<scm ")) {
      assertTrue(effective.contains(element), "the parent pom has " + element);
    }
    assertTrue(
        Files.readString(pluginPom).contains("<description>"), "the plugin pom describes it");

    Path project = samples.copy("java-app", "publish/java-app");
    Path settings = settingsWith(published, samples.work().resolve("publish/settings.xml"));
    Path freshRepository = samples.work().resolve("publish/local-repository");
    MavenRun built =
        samples
            .run(
                project,
                List.of(
                    samples.mvnExecutable().toString(),
                    "-B",
                    "-Dstyle.color=never",
                    "-s",
                    settings.toString(),
                    "-Dmaven.repo.local=" + freshRepository,
                    "-Dkiln.cacheDir=" + samples.cacheWithBusybox("publish/cache"),
                    "package",
                    "kiln:buildTar"))
            .requireSuccess();

    assertTrue(
        built.log().contains("from published: " + published.toUri() + "dev/kiln/kiln-maven-plugin"),
        built.log());
    assertTrue(Files.isRegularFile(project.resolve("target/kiln-image.tar")));
    assertEquals(
        List.of(), deployed(freshRepository, "kiln-testdata"), "nothing resolved kiln-testdata");
  }

  /** The checkout's files (tracked, and new ones git does not ignore), without build output. */
  private static Path copyOfCheckout(Path to) throws IOException {
    Path root = Path.of(System.getProperty("kiln.root"));
    String listing =
        ProcessRunner.run(
                List.of(
                    "git", "-C", root.toString(), "ls-files", "-co", "--exclude-standard", "-z"))
            .requireSuccess()
            .stdout();
    TreeDeletion.delete(to);
    for (String file : listing.split("\0")) {
      Path source = root.resolve(file);
      if (file.isEmpty() || !Files.isRegularFile(source)) {
        continue; // deleted in the work tree but not yet in the index
      }
      Path target = to.resolve(file);
      Files.createDirectories(target.getParent());
      Files.copy(source, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    }
    return to;
  }

  /**
   * Settings with two repositories: the published one, for kiln's snapshots, and ~/.m2 for the
   * release plugins Maven itself needs (this machine has no network), never for kiln.
   */
  private static Path settingsWith(Path published, Path file) throws IOException {
    String repositories =
        repository("published", published, true)
            + repository("outer-local", samples.outerRepository(), false);
    Files.writeString(
        file,
        "<settings><profiles><profile><id>repositories</id><repositories>"
            + repositories
            + "</repositories><pluginRepositories>"
            + repositories.replace("repository>", "pluginRepository>")
            + "</pluginRepositories></profile></profiles>"
            + "<activeProfiles><activeProfile>repositories</activeProfile></activeProfiles>"
            + "</settings>\n");
    return file;
  }

  private static String repository(String id, Path dir, boolean snapshots) {
    return "<repository><id>"
        + id
        + "</id><url>"
        + dir.toUri()
        + "</url><releases><enabled>"
        + !snapshots
        + "</enabled><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>"
        + snapshots
        + "</enabled></snapshots></repository>";
  }

  private static List<String> deployed(Path repository, String artifactId) throws IOException {
    Path dir = repository.resolve("dev/kiln").resolve(artifactId);
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.filter(Files::isRegularFile).forEach(p -> names.add(p.getFileName().toString()));
      }
    }
    return names;
  }

  private static Path only(Path repository, String artifactId, String suffix) throws IOException {
    try (Stream<Path> walk = Files.walk(repository.resolve("dev/kiln").resolve(artifactId))) {
      List<Path> matches =
          walk.filter(
                  p -> {
                    String name = p.getFileName().toString();
                    return name.endsWith(suffix)
                        && !name.endsWith("-sources.jar")
                        && !name.endsWith("-javadoc.jar");
                  })
              .toList();
      assertEquals(1, matches.size(), matches.toString());
      return matches.get(0);
    }
  }
}
