package dev.kiln.registry.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Docker credential helper ({@code docker-credential-<name> get}) as a subprocess: the
 * server URL goes to its stdin, a JSON {@code {ServerURL, Username, Secret}} comes back on stdout.
 * A helper that answers "credentials not found" means "no credential", not an error.
 */
public final class CredentialHelper {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_OUTPUT = 1 << 20;

  private final String name;
  private final List<Path> searchPath;
  private final Duration timeout;

  /**
   * @param name the suffix after {@code docker-credential-} ({@code pass}, {@code ecr-login}...)
   * @param searchPath directories to look for the executable in, usually {@code $PATH}
   * @param timeout how long to wait; helpers that prompt a person can take a while
   */
  public CredentialHelper(String name, List<Path> searchPath, Duration timeout) {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("invalid credential helper name '" + name + "'");
    }
    this.name = name;
    this.searchPath = List.copyOf(searchPath);
    this.timeout = timeout;
  }

  public String executableName() {
    return "docker-credential-" + name;
  }

  /** The executable on the search path, or empty if it is not installed. */
  public Optional<Path> locate() {
    for (Path dir : searchPath) {
      Path candidate = dir.resolve(executableName());
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * Asks the helper for {@code serverUrl}'s credential.
   *
   * @return empty if the helper has none for that server
   * @throws IOException if the helper is missing, fails, times out or prints something that is not
   *     its JSON answer; the message names the helper and its stderr, never the secret
   */
  public Optional<Credential> get(String serverUrl) throws IOException {
    Path exe =
        locate()
            .orElseThrow(
                () -> new IOException(executableName() + " is not installed (not found on PATH)"));
    Process process = new ProcessBuilder(exe.toString(), "get").start();
    CompletableFuture<byte[]> stdout = drain(process.getInputStream());
    CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // A helper may exit before reading stdin; its exit status tells the story.
    }
    boolean exited;
    try {
      exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + executableName(), e);
    }
    if (!exited) {
      process.destroyForcibly();
      throw new IOException(executableName() + " get did not answer within " + timeout);
    }
    String out = new String(stdout.join(), StandardCharsets.UTF_8).trim();
    String err = new String(stderr.join(), StandardCharsets.UTF_8).trim();
    if (process.exitValue() != 0) {
      if (out.toLowerCase().contains("credentials not found")
          || err.toLowerCase().contains("credentials not found")) {
        return Optional.empty();
      }
      throw new IOException(
          executableName()
              + " get failed with exit status "
              + process.exitValue()
              + (err.isEmpty() ? "" : ": " + firstLine(err)));
    }
    JsonNode answer;
    try {
      answer = JSON.readTree(out);
    } catch (IOException e) {
      throw new IOException(executableName() + " get did not print JSON credentials");
    }
    if (answer == null || !answer.isObject()) {
      throw new IOException(executableName() + " get did not print JSON credentials");
    }
    String username = answer.path("Username").asText("");
    String secret = answer.path("Secret").asText("");
    if (secret.isEmpty()) {
      return Optional.empty();
    }
    if (username.equals("<token>")) {
      return Optional.of(new Credential.IdentityToken(secret));
    }
    return Optional.of(new Credential.UsernamePassword(username, secret));
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (InputStream in = stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
              if (out.size() < MAX_OUTPUT) {
                out.write(buf, 0, Math.min(n, MAX_OUTPUT - out.size()));
              }
            }
            return out.toByteArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Override
  public String toString() {
    return executableName();
  }
}
