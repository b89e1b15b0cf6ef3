package dev.kiln.maven;

import dev.kiln.api.request.OutputSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Builds the project's Dockerfile with kiln, without a daemon, and pushes the image to {@code
 * image} and {@code tags}. Blobs the registry already has are not sent again.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildMojo extends DockerfileBuildMojo {
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
    return new OutputSpec(
        OutputSpec.Type.IMAGE,
        Optional.empty(),
        List.of(),
        true,
        compression(),
        Optional.ofNullable(compressionLevel),
        true,
        Map.of());
  }
}
