package dev.kiln.core.layer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs real tools (GNU tar, gzip, zstd, umoci) for the integration tests. */
final class Commands {
  private Commands() {}

  /** Runs {@code command}, fails with its output unless it exits 0, returns its stdout. */
  static String run(Path workDir, String... command) throws IOException, InterruptedException {
    Path err = Files.createTempFile("kiln-cmd", ".err");
    try {
      Process p =
          new ProcessBuilder(command)
              .directory(workDir.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + List.of(command));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError(
            List.of(command)
                + " exited with "
                + p.exitValue()
                + ":\n"
                + Files.readString(err)
                + new String(out, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** Runs a shell pipeline. */
  static String shell(Path workDir, String script) throws IOException, InterruptedException {
    return run(workDir, "bash", "-euo", "pipefail", "-c", script);
  }
}
