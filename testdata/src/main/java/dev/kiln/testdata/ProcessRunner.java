package dev.kiln.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real command (skopeo, umoci, a shell script) for a test and captures what it printed.
 * Output goes to temp files rather than pipes so that a chatty command can never block on a full
 * pipe.
 */
public final class ProcessRunner {
  /** What a finished command printed and returned. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    /** Throws with the whole output when the command failed. */
    public Result requireSuccess() {
      if (exitCode != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited with "
                + exitCode
                + "\n--- stdout ---\n"
                + stdout
                + "\n--- stderr ---\n"
                + stderr);
      }
      return this;
    }
  }

  private ProcessRunner() {}

  public static Result run(List<String> command) {
    return run(command, Map.of(), Duration.ofMinutes(5));
  }

  public static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("kiln-proc-", ".out");
      err = Files.createTempFile("kiln-proc-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new IllegalStateException(
            String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
      }
      return new Result(
          List.copyOf(command),
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command, e);
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static void deleteQuietly(Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // Leftover temp output is harmless.
      }
    }
  }
}
