package dev.kiln.core.sandbox;

import java.io.File;
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
 * Runs a short host command (mount, umount, runc delete, getfattr, cp…) to completion and captures
 * what it printed. Output goes to temp files rather than pipes so a chatty command can never block
 * on a full pipe; callers that stream a step's output use {@link OutputPump} instead.
 */
public final class HostCommand {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  /** What a finished command printed and returned. */
  public record Result(List<String> command, int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /**
     * Returns this result when the command succeeded, else throws with {@code what} (e.g. "mount
     * the overlay"), the command line, its exit code and its error output.
     */
    public Result requireSuccess(String what) {
      if (exitCode != 0) {
        throw new SandboxException("cannot " + what + ": " + describeFailure());
      }
      return this;
    }

    /** "`cmd args` exited with N: stderr" for error messages. */
    public String describeFailure() {
      String err = stderr.isBlank() ? stdout.strip() : stderr.strip();
      return "`"
          + String.join(" ", command)
          + "` exited with "
          + exitCode
          + (err.isEmpty() ? "" : ": " + err);
    }
  }

  private HostCommand() {}

  /** Runs {@code command} with the current environment and a ten-minute limit. */
  public static Result run(List<String> command) {
    return run(command, null, Map.of(), DEFAULT_TIMEOUT);
  }

  /** Runs {@code command} in {@code directory} with the current environment. */
  public static Result run(List<String> command, Path directory) {
    return run(command, directory, Map.of(), DEFAULT_TIMEOUT);
  }

  /**
   * Runs {@code command} in {@code directory} (null: the current one) with {@code extraEnv} added
   * to the current environment; kills it after {@code timeout}.
   */
  public static Result run(
      List<String> command, Path directory, Map<String, String> extraEnv, Duration timeout) {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("kiln-cmd-", ".out");
      err = Files.createTempFile("kiln-cmd-", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      if (directory != null) {
        builder.directory(directory.toFile());
      }
      builder.environment().putAll(extraEnv);
      Process process = builder.start();
      boolean interrupted = false;
      boolean finished;
      while (true) {
        try {
          finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
          break;
        } catch (InterruptedException e) {
          // Host commands are short and often part of a cleanup that must complete; finish the
          // wait and restore the interrupt for the caller.
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      if (!finished) {
        process.destroyForcibly();
        throw new SandboxException(
            "`"
                + String.join(" ", command)
                + "` did not finish within "
                + timeout.toSeconds()
                + " s");
      }
      return new Result(
          List.copyOf(command),
          process.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
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
        // A leftover temp file is harmless.
      }
    }
  }
}
