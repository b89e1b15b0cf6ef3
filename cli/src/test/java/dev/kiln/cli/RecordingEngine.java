package dev.kiln.cli;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.build.ImageBuilder;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.registry.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An engine that records the request it was given and returns a fixed result, or fails. */
final class RecordingEngine implements ImageBuilder {
  static final Digest DIGEST = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));
  static final Digest CONFIG = Digest.sha256("config".getBytes(StandardCharsets.UTF_8));

  BuildRequest request;
  BuildFailure failure;

  @Override
  public BuildResult build(BuildRequest request, BuildListener listener) throws BuildFailure {
    this.request = request;
    if (failure != null) {
      throw failure;
    }
    return new BuildResult(
        Optional.of(DIGEST),
        Optional.of(CONFIG),
        Optional.of("application/vnd.oci.image.manifest.v1+json"),
        123,
        request.tags(),
        List.of(),
        1,
        0);
  }

  /** Runs kiln in-process against this engine. */
  Run run(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliEnvironment cli =
        new CliEnvironment(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false,
            () -> this);
    int code = Main.run(cli, args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  record Run(int exitCode, String stdout, String stderr) {}
}
