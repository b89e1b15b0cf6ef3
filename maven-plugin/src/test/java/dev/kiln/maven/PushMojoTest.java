package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.maven.execution.DefaultMavenExecutionRequest;
import org.apache.maven.execution.DefaultMavenExecutionResult;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kiln:push's checks before it talks to a registry (the pushes themselves are in JavaAppIT): the
 * default sources, and a source read as {@code kiln push} reads its SRC.
 */
class PushMojoTest {
  @TempDir Path temp;

  @Test
  void pushNeedsAnImage() {
    PushMojo mojo = mojo();
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(e.getMessage().contains("-Dimage="), e.getMessage());
  }

  @Test
  void withNothingBuiltItSaysWhatIsMissing() {
    PushMojo mojo = mojo();
    mojo.image = "127.0.0.1:5000/app:1";
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    // Neither target/kiln-image.tar nor target/kiln-image exists: the layout is named.
    assertTrue(
        e.getMessage().startsWith(temp.resolve("target/kiln-image") + " does not exist"),
        e.getMessage());
    assertTrue(e.getMessage().contains("hint: "), e.getMessage());
  }

  @Test
  void aSourceIsReadAsKilnPushReadsItRelativeToTheProject() {
    PushMojo mojo = mojo();
    mojo.image = "127.0.0.1:1/app:1";
    mojo.source = "oci-archive:target/app.tar";
    MojoFailureException archive = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(
        archive.getMessage().startsWith("cannot read " + temp.resolve("target/app.tar")),
        archive.getMessage());

    mojo.source = "app:1";
    MojoFailureException stored = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(
        stored
            .getMessage()
            .startsWith(
                "no image docker.io/library/app:1 in kiln's local store (" + temp.resolve("cache")),
        stored.getMessage());
  }

  @Test
  void itPushesWhatABuildGoalOfThisRunWroteElseTheNewerOfTarAndLayoutWithAWarning()
      throws Exception {
    // Both on disk, and not images at all: the failure names the one kiln:push chose.
    Path tar = Files.createDirectories(temp.resolve("target")).resolve("kiln-image.tar");
    Files.writeString(tar, "not a tar");
    Path layout = Files.createDirectories(temp.resolve("target/kiln-image"));
    Files.writeString(layout.resolve("index.json"), "{}");
    Files.setLastModifiedTime(tar, FileTime.from(Instant.now().plus(Duration.ofDays(1))));

    PushMojo newer = mojo();
    newer.image = "127.0.0.1:1/app:1";
    MojoFailureException fromTar = assertThrows(MojoFailureException.class, newer::execute);
    assertTrue(fromTar.getMessage().contains(tar.toString()), fromTar.getMessage());
    RecordingLog log = (RecordingLog) newer.getLog();
    assertTrue(
        log.at("WARN").stream().anyMatch(l -> l.contains("exist; pushing the newer, " + tar)),
        log.lines.toString());

    PushMojo afterBuild = mojo();
    afterBuild.image = "127.0.0.1:1/app:1";
    afterBuild.project.setContextValue(PushMojo.WRITTEN, layout);
    Exception fromLayout = assertThrows(Exception.class, afterBuild::execute);
    assertTrue(fromLayout.getMessage().contains(layout.toString()), fromLayout.getMessage());
    assertFalse(fromLayout.getMessage().contains(tar.toString()), fromLayout.getMessage());
  }

  private PushMojo mojo() {
    PushMojo mojo = new PushMojo();
    Model model = new Model();
    model.setArtifactId("app");
    mojo.project = new MavenProject(model);
    mojo.project.setFile(temp.resolve("pom.xml").toFile());
    mojo.cacheDir = temp.resolve("cache").toFile();
    mojo.session =
        new MavenSession(
            null, null, new DefaultMavenExecutionRequest(), new DefaultMavenExecutionResult());
    mojo.settingsDecrypter = request -> null;
    mojo.outputFile = temp.resolve("target/kiln-image.tar").toFile();
    mojo.outputDirectory = temp.resolve("target/kiln-image").toFile();
    mojo.insecureRegistries = List.of();
    mojo.setLog(new RecordingLog(false));
    return mojo;
  }
}
