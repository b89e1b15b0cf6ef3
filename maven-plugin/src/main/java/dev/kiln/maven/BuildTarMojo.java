package dev.kiln.maven;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.request.OutputSpec;
import java.io.File;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProjectHelper;

/**
 * Builds the project's Dockerfile into a tar: an OCI archive ({@code skopeo copy oci-archive:},
 * {@code podman load}), or with {@code format=docker} one that {@code docker load} reads. The image
 * is named {@code image} and {@code tags}, or {@code artifactId:version}. With {@code attach} the
 * tar becomes an artifact of the project, installed and deployed with it.
 */
@Mojo(name = "buildTar", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildTarMojo extends DockerfileBuildMojo {
  /** The tar to write. */
  @Parameter(
      property = "kiln.outputFile",
      defaultValue = "${project.build.directory}/kiln-image.tar")
  File outputFile;

  /** Attach the tar to the project as an artifact. */
  @Parameter(property = "kiln.attach", defaultValue = "false")
  boolean attach;

  /** The attached artifact's classifier. */
  @Parameter(property = "kiln.classifier", defaultValue = "image")
  String classifier;

  /** The attached artifact's type (its file extension in a repository). */
  @Parameter(property = "kiln.type", defaultValue = "tar")
  String type;

  @Component MavenProjectHelper projectHelper;

  @Override
  List<String> imageNames() throws MojoFailureException {
    return namesOrProjectDefault();
  }

  @Override
  OutputSpec output() {
    // format=docker is a docker load archive, whose media types are Docker's anyway.
    return ociMediaTypes()
        ? fileOutput(OutputSpec.Type.OCI, outputFile.toPath(), true)
        : fileOutput(OutputSpec.Type.DOCKER, outputFile.toPath(), false);
  }

  @Override
  void afterBuild(BuildResult result) {
    getLog().info("kiln: wrote " + outputFile);
    project.setContextValue(PushMojo.WRITTEN, outputFile.toPath());
    if (attach) {
      String kind = classifier == null || classifier.isBlank() ? null : classifier.trim();
      projectHelper.attachArtifact(project, type, kind, outputFile);
    }
  }
}
