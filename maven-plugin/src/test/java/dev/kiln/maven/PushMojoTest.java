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

/** kiln:push's checks before it talks to a registry (the pushes themselves are in JavaAppIT). */
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

  private PushMojo mojo() {
    PushMojo mojo = new PushMojo();
    Model model = new Model();
    model.setArtifactId("app");
    mojo.project = new MavenProject(model);
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
