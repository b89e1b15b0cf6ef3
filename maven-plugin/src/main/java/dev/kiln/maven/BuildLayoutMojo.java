package dev.kiln.maven;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.request.OutputSpec;
import java.io.File;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the project's Dockerfile into an OCI image layout directory ({@code skopeo copy oci:},
 * {@code FROM oci-layout://} in another build, {@code kiln:push} later). The image is tagged with
 * the tags of {@code image} and {@code tags}, or with the project's version; images with other tags
 * already in the directory stay.
 */
@Mojo(name = "buildLayout", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildLayoutMojo extends DockerfileBuildMojo {
  /** The layout directory to write into. */
  @Parameter(
      property = "kiln.outputDirectory",
      defaultValue = "${project.build.directory}/kiln-image")
  File outputDirectory;

  @Override
  List<String> imageNames() throws MojoFailureException {
    return namesOrProjectDefault();
  }

  @Override
  OutputSpec output() {
    return fileOutput(OutputSpec.Type.OCI_LAYOUT, outputDirectory.toPath(), ociMediaTypes());
  }

  @Override
  void afterBuild(BuildResult result) {
    getLog().info("kiln: wrote " + outputDirectory);
    project.setContextValue(PushMojo.WRITTEN, outputDirectory.toPath());
  }
}
