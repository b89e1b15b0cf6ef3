package dev.kiln.maven;

import dev.kiln.core.build.BuildResult;
import dev.kiln.core.build.RegistryAccess;
import dev.kiln.core.event.RegistryEventRelay;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.push.LayoutPusher;
import dev.kiln.core.push.PushedImage;
import dev.kiln.core.request.RequestException;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.transport.RegistryException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Pushes an image that is already built, without building again: the tar of {@code kiln:buildTar}
 * or the directory of {@code kiln:buildLayout} (or any OCI layout or archive of one), to {@code
 * image} and {@code tags}. Bind {@code buildTar} to {@code package} and this to {@code deploy} to
 * push only what was tested.
 */
@Mojo(name = "push", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class PushMojo extends KilnMojo {
  /**
   * The OCI layout directory or image tar to push. Default: {@code outputFile} if it exists, else
   * {@code outputDirectory}.
   */
  @Parameter(property = "kiln.source")
  File source;

  /** Which image of the layout to push, by tag, when it holds several. */
  @Parameter(property = "kiln.sourceTag")
  String sourceTag;

  /** Where {@code kiln:buildTar} writes its tar (the same parameter). */
  @Parameter(
      property = "kiln.outputFile",
      defaultValue = "${project.build.directory}/kiln-image.tar")
  File outputFile;

  /** Where {@code kiln:buildLayout} writes its layout (the same parameter). */
  @Parameter(
      property = "kiln.outputDirectory",
      defaultValue = "${project.build.directory}/kiln-image")
  File outputDirectory;

  /** The platform to push when the layout holds an index of several (default: this machine's). */
  @Parameter(property = "kiln.platform")
  String platform;

  @Override
  void run() throws MojoExecutionException, MojoFailureException {
    String name = imageName();
    if (name == null) {
      throw new MojoFailureException(
          "kiln:push needs an image to push to: set <image> in the plugin's configuration, or"
              + " pass -Dimage=registry.example.com/app:1.0");
    }
    List<String> names = names(name);
    Path from = sourcePath();
    String selector = sourceTag == null || sourceTag.isBlank() ? "" : ":" + sourceTag.trim();
    try (RegistryAccess registry =
        new RegistryAccess(
            new HashSet<>(insecureRegistries()),
            new HashSet<>(plainHttpCredentialHosts()),
            CredentialSource.NONE,
            registryLogins(),
            System.getenv(),
            // The registry client's transfers and warnings, in the Maven log as builds show them.
            new RegistryEventRelay(new MavenLogProgress(getLog())))) {
      Platform target =
          platform == null || platform.isBlank() ? Platform.host() : Platform.parse(platform);
      getLog().info("kiln: pushing " + from);
      PushedImage pushed = new LayoutPusher(registry.client()).push(from, selector, target, names);
      for (String reference : pushed.pushed()) {
        getLog().info("  -> " + reference);
      }
      record(
          new BuildResult(
              Optional.of(pushed.digest()),
              Optional.of(pushed.image().config().raw().digest()),
              Optional.of(pushed.image().manifest().mediaType()),
              pushed.image().manifest().raw().size(),
              names,
              pushed.pushed(),
              0,
              0));
    } catch (ImageNotFoundException e) {
      throw FailureReport.of(e);
    } catch (RequestException e) {
      throw FailureReport.of(e);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (RegistryException e) {
      throw FailureReport.of(e);
    } catch (IOException e) {
      throw FailureReport.of(e);
    }
  }

  private Path sourcePath() {
    if (source != null) {
      return source.toPath();
    }
    return outputFile.isFile() ? outputFile.toPath() : outputDirectory.toPath();
  }
}
