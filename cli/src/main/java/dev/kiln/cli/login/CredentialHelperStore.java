package dev.kiln.cli.login;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes to a Docker credential helper ({@code docker-credential-<name> store} and {@code erase}),
 * the counterpart of the registry client's {@code CredentialHelper}, which only reads. The secret
 * goes to the helper's stdin, never to its command line.
 */
final class CredentialHelperStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_SECONDS = 60;

  private final String name;
  private final String path;

  /**
   * @param name the part after {@code docker-credential-}
   * @param path the {@code PATH} to find the executable on
   */
  CredentialHelperStore(String name, String path) {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("invalid credential helper name '" + name + "'");
    }
    this.name = name;
    this.path = path == null ? "" : path;
  }

  String executableName() {
    return "docker-credential-" + name;
  }

  /** {@code store}: {@code {"ServerURL", "Username", "Secret"}} on stdin. */
  void store(String serverUrl, String username, String secret) throws IOException {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("ServerURL", serverUrl);
    body.put("Username", username);
    body.put("Secret", secret);
    run("store", JSON.writeValueAsBytes(body));
  }

  /** {@code erase}: the server URL on stdin. */
  void erase(String serverUrl) throws IOException {
    run("erase", serverUrl.getBytes(StandardCharsets.UTF_8));
  }

  private void run(String action, byte[] stdin) throws IOException {
    Path exe = locate();
    Process process = new ProcessBuilder(exe.toString(), action).redirectErrorStream(true).start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin);
    } catch (IOException e) {
      // It exited before reading; its status and output say why.
    }
    byte[] output = process.getInputStream().readNBytes(64 * 1024);
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(
            executableName() + " " + action + " did not finish within " + TIMEOUT_SECONDS + "s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + executableName(), e);
    }
    if (process.exitValue() != 0) {
      String text = new String(output, StandardCharsets.UTF_8).strip();
      throw new IOException(
          executableName()
              + " "
              + action
              + " failed with exit status "
              + process.exitValue()
              + (text.isEmpty() ? "" : ": " + text.lines().findFirst().orElse("")));
    }
  }

  private Path locate() throws IOException {
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, executableName());
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IOException(
        executableName() + " is not installed (not found on PATH), but config.json names it");
  }
}
