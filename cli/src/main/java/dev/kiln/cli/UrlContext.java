package dev.kiln.cli;

import dev.kiln.api.request.GitContext;
import dev.kiln.api.request.RequestException;
import dev.kiln.dockerfile.instructions.GitReference;
import dev.kiln.registry.transport.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A build context given as a URL, as buildx takes one: a git repository ({@code
 * https://host/repo.git#ref:dir}, {@code git://…}, {@code git@host:repo.git}) is checked out and
 * its fragment's subdirectory is the context; any other {@code http(s)} URL is downloaded and read
 * like the context {@code -}: a tar (plain, gzip or bzip2) is unpacked into the context, anything
 * else is the Dockerfile with an empty context. The Dockerfile is looked up in the context, and
 * {@code -f} names a file inside it. {@link #close} deletes what was fetched.
 *
 * @param root the temporary directory to delete
 * @param dir the context directory
 * @param dockerfile the Dockerfile the URL served, or null when it served a context
 */
record UrlContext(Path root, Path dir, byte[] dockerfile) implements AutoCloseable {

  /** Whether {@code context} is a URL rather than a directory. */
  static boolean isUrl(String context) {
    String lower = context.toLowerCase(Locale.ROOT);
    return GitReference.isGit(context)
        || lower.startsWith("http://")
        || lower.startsWith("https://");
  }

  /** Fetches {@code context}; {@code keepGitDir} keeps a git checkout's {@code .git}. */
  static UrlContext open(String context, Map<String, String> environment, boolean keepGitDir)
      throws IOException {
    var git = GitReference.parse(context);
    if (git.isPresent()) {
      Path root = Files.createTempDirectory("kiln-context-");
      try {
        GitContext checkout =
            GitContext.checkout(git.get(), environment, root.resolve("repo"), keepGitDir);
        return new UrlContext(root, checkout.context(), null);
      } catch (IOException | RuntimeException e) {
        StdinContext.delete(root);
        throw e;
      }
    }
    String shown = GitReference.redact(context);
    HttpResponse<InputStream> response = get(context, shown, environment);
    try (InputStream body = response.body()) {
      StdinContext fetched = StdinContext.read(body, "the context " + shown);
      return new UrlContext(fetched.dir(), fetched.dir(), fetched.dockerfile());
    }
  }

  private static HttpResponse<InputStream> get(
      String url, String shown, Map<String, String> environment) throws IOException {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new RequestException(
          "the context " + shown + " is not a valid URL: " + e.getMessage(),
          "give the context as a directory, -, a git URL or an http(s) URL");
    }
    HttpClient client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .proxy(ProxySettings.fromEnvironment(environment).asProxySelector())
            .build();
    HttpResponse<InputStream> response;
    try {
      response =
          client.send(
              // Until the answer's headers: a server that never answers must not hang the build.
              HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2)).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while downloading the context " + shown);
    } catch (IOException e) {
      throw new RequestException(
          "the context " + shown + " cannot be downloaded: " + e,
          "check the URL, and that its server is up and reachable from this machine");
    }
    if (response.statusCode() / 100 != 2) {
      response.body().close();
      throw new RequestException(
          "the context " + shown + ": HTTP " + response.statusCode(),
          "check the URL; a context URL must answer 2xx with a tar archive or a Dockerfile");
    }
    return response;
  }

  @Override
  public void close() throws IOException {
    StdinContext.delete(root);
  }
}
