package dev.kiln.core.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one of the few host commands kiln needs for what the JDK cannot do (device nodes, FIFOs,
 * {@code security.*} xattrs), and turns a failure into a message that says which command, why, and
 * which package provides it.
 */
final class HostCommand {
  private HostCommand() {}

  /** Runs {@code command}; returns its standard output, or throws naming {@code purpose}. */
  static byte[] run(List<String> command, String purpose, String debianPackage) throws IOException {
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
    } catch (IOException e) {
      throw new IOException(
          purpose
              + " needs the '"
              + command.get(0)
              + "' command, which could not be started ("
              + e.getMessage()
              + "); install it (Debian/Ubuntu package '"
              + debianPackage
              + "')",
          e);
    }
    CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
    byte[] stdout;
    try (InputStream out = process.getInputStream()) {
      stdout = out.readAllBytes();
    }
    int status;
    try {
      status = process.waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while running " + command.get(0));
    }
    if (status != 0) {
      String message = new String(stderr.join(), StandardCharsets.UTF_8).strip();
      throw new IOException(
          purpose
              + " failed: "
              + String.join(" ", command)
              + " exited with "
              + status
              + ": "
              + message);
    }
    return stdout;
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            return in.readAllBytes();
          } catch (IOException e) {
            return new byte[0];
          }
        });
  }
}
