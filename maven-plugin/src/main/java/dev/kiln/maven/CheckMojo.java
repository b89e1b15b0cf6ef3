package dev.kiln.maven;

import dev.kiln.api.request.OutputSpec;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Runs the Dockerfile's build checks, as {@code kiln build --check}: logs each warning with its
 * {@code Dockerfile:LINE}, builds and pushes nothing, and fails the Maven build when there is any.
 * Bound to {@code validate} by default, so a CI build stops at a Dockerfile mistake before
 * compiling.
 */
@Mojo(name = "check", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class CheckMojo extends DockerfileBuildMojo {
  @Override
  List<String> imageNames() {
    return List.of();
  }

  @Override
  OutputSpec output() {
    // Never written: a check builds nothing; the request still names where a build would go.
    return imageOutput(OutputSpec.Type.IMAGE, Optional.empty(), false, true, false);
  }

  @Override
  boolean checkOnly() {
    return true;
  }
}
