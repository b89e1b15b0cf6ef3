package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
