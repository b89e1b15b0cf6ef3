package dev.kiln.maven;

import dev.kiln.api.request.OutputSpec;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the project's Dockerfile with kiln, without a daemon, and pushes the image to {@code
 * image} and {@code tags}. Blobs the registry already has are not sent again.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildMojo extends DockerfileBuildMojo {
  /**
   * Also name the pushed image in kiln's local store, as {@code -o type=image,push=true,store=true}
   * (or {@code --push --load}), for {@code kiln images}, {@code kiln save} or the {@code FROM} of
   * another build on this machine.
   */
  @Parameter(property = "kiln.store", defaultValue = "false")
  boolean store;

  @Override
  List<String> imageNames() throws MojoFailureException {
    String name = imageName();
    if (name == null) {
      throw new MojoFailureException(
          "kiln:build needs an image to push to: set <image> in the plugin's configuration, or"
              + " pass -Dimage=registry.example.com/app:1.0");
    }
    return names(name);
  }

  @Override
  OutputSpec output() {
    return imageOutput(OutputSpec.Type.IMAGE, Optional.empty(), true, ociMediaTypes(), store);
  }
}
