package dev.kiln.core.engine;

import dev.kiln.core.step.ContextTree;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.core.step.SourceTree;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.transport.ProxyConfigurationException;
import dev.kiln.registry.transport.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * ADD of {@code http(s)} URLs: each is downloaded into the step's spool (mode 0600, the server's
 * Last-Modified time, {@code --checksum} verified) and copied from there like a local file, as in
 * BuildKit. Downloads go through the proxy the build's environment names ({@code HTTPS_PROXY},
 * {@code HTTP_PROXY}, {@code NO_PROXY}, read as the registry client reads them). A download that
 * fails names the URL and the reason.
 */
final class AddDownloads {
  private AddDownloads() {}

  /** Whether an ADD source is a URL rather than a path in the context. */
  static boolean isUrl(String source) {
    String s = source.toLowerCase(Locale.ROOT);
    return s.startsWith("http://") || s.startsWith("https://");
  }

  /**
   * Downloads ADD's URLs into {@code spool} and returns them as a tree; {@code names} receives the
   * file names to copy. Files get mode 0600 and the server's Last-Modified time, as in BuildKit.
   */
  static SourceTree download(
      List<String> urls, String checksum, Path spool, List<String> names, ProxySettings proxy)
      throws IOException, CopyFailure {
    Path dir = spool.resolve("downloads");
    Files.createDirectories(dir);
    ProxyCredentials credentials = new ProxyCredentials(proxy);
    HttpClient client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(Duration.ofSeconds(30))
            .proxy(proxy.asProxySelector())
            .authenticator(credentials)
            .build();
    for (String url : urls) {
      if (!isUrl(url)) {
        throw new CopyFailure(
            "ADD cannot mix URLs and local files in one instruction (" + url + ")",
            "split it into two ADD instructions");
      }
      URI uri = URI.create(url);
      String name = fileName(uri);
      Path file = dir.resolve(name);
      HttpResponse<InputStream> response =
          send(client, credentials, url, uri, proxyFor(proxy, url, uri));
      save(response, file, url, uri, checksum);
      keepLastModified(response, file);
      names.add(name);
    }
    return new ContextTree(dir, PatternMatcher.of(List.of()));
  }

  /** The last segment of the URL's path, as BuildKit names a download. */
  private static String fileName(URI uri) {
    String path = uri.getPath() == null ? "" : uri.getPath();
    return path.endsWith("/") || path.isEmpty()
        ? "__unnamed__"
        : path.substring(path.lastIndexOf('/') + 1);
  }

  private static Optional<ProxySettings.Endpoint> proxyFor(ProxySettings proxy, String url, URI uri)
      throws CopyFailure {
    try {
      return proxy.proxyFor(uri);
    } catch (ProxyConfigurationException e) {
      throw new CopyFailure("ADD " + url + ": " + e.getMessage(), e.hint());
    }
  }

  /** The server's 2xx answer to a GET of {@code uri}, through the proxy if any. */
  private static HttpResponse<InputStream> send(
      HttpClient client,
      ProxyCredentials credentials,
      String url,
      URI uri,
      Optional<ProxySettings.Endpoint> through)
      throws IOException, CopyFailure {
    HttpResponse<InputStream> response;
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
      if (through.isPresent() && through.get().hasCredentials() && uri.getScheme().equals("http")) {
        // Sent at once, as Go sends it; the authenticator answers a proxy's 407 otherwise.
        request.header("Proxy-Authorization", basic(through.get()));
      }
      credentials.answerOnce();
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while downloading " + url, e);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      if (through.isPresent() && credentials.refused(e)) {
        throw proxyRefused(url, uri, through.get());
      }
      String via = through.map(p -> " (through " + p + ")").orElse("");
      throw new CopyFailure(
          "ADD " + url + via + ": " + DownloadFailures.describe(uri, e),
          through.isPresent()
              ? "check the URL, the proxy, and that the server is reachable through it"
              : "check the URL, and that its server is up and reachable from this machine");
    }
    if (response.statusCode() == 407 && through.isPresent()) {
      response.body().close();
      throw proxyRefused(url, uri, through.get());
    }
    if (response.statusCode() / 100 != 2) {
      response.body().close();
      throw new CopyFailure(
          "ADD " + url + ": HTTP " + response.statusCode(),
          "check the URL; ADD follows redirects but needs a 2xx answer");
    }
    return response;
  }

  /** Streams the body into {@code file} (mode 0600), checking {@code --checksum} on the way. */
  private static void save(
      HttpResponse<InputStream> response, Path file, String url, URI uri, String checksum)
      throws IOException, CopyFailure {
    MessageDigest sha =
        checksum == null || checksum.isEmpty() ? null : Digest.parse(checksum).newMessageDigest();
    try (InputStream in = response.body();
        var out = Files.newOutputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = read(in, buffer, uri)) > 0; ) {
        out.write(buffer, 0, n);
        if (sha != null) {
          sha.update(buffer, 0, n);
        }
      }
    }
    if (sha != null && !Digest.parse(checksum).matches(sha.digest())) {
      throw new CopyFailure(
          "ADD " + url + ": checksum mismatch: the download is not " + checksum,
          "update --checksum, or check that the URL serves the expected file");
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
  }

  /** The server's Last-Modified time on the file; an unparseable header leaves the download's. */
  private static void keepLastModified(HttpResponse<InputStream> response, Path file)
      throws IOException {
    Optional<String> modified = response.headers().firstValue("Last-Modified");
    if (modified.isPresent()) {
      try {
        ZonedDateTime t = ZonedDateTime.parse(modified.get(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Files.setLastModifiedTime(file, FileTime.from(t.toInstant()));
      } catch (RuntimeException e) {
        // An unparseable header leaves the download time, as BuildKit does.
      }
    }
  }

  private static CopyFailure proxyRefused(String url, URI uri, ProxySettings.Endpoint proxy) {
    String hint;
    if (!proxy.hasCredentials()) {
      hint =
          "put the proxy's user and password in "
              + proxy.variable()
              + " (http://USER:PASSWORD@HOST:PORT)";
    } else if (uri.getScheme().equals("https")
        && !"".equals(System.getProperty("jdk.http.auth.tunneling.disabledSchemes"))) {
      hint =
          "the JVM refuses Basic proxy credentials for https tunnels unless it runs with"
              + " -Djdk.http.auth.tunneling.disabledSchemes= (the kiln command sets it; add it"
              + " to MAVEN_OPTS for the Maven plugin)";
    } else {
      hint = "check the user and password in " + proxy.variable();
    }
    return new CopyFailure(
        "ADD " + url + ": the " + proxy + " answered 407 Proxy Authentication Required", hint);
  }

  private static String basic(ProxySettings.Endpoint proxy) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString(
                (proxy.username() + ":" + proxy.password()).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Answers a proxy's challenge with the user and password of its URL, once per download: a proxy
   * that refuses them then gets its 407 reported, not the JDK's "too many authentication attempts".
   */
  private static final class ProxyCredentials extends Authenticator {
    private final ProxySettings proxy;
    private final java.util.concurrent.atomic.AtomicBoolean answered =
        new java.util.concurrent.atomic.AtomicBoolean();

    ProxyCredentials(ProxySettings proxy) {
      this.proxy = proxy;
    }

    void answerOnce() {
      answered.set(false);
    }

    /**
     * Whether {@code e} is the JDK's way of reporting a 407 it could not answer: once this
     * authenticator has nothing more to give, the client throws instead of returning the response.
     */
    boolean refused(IOException e) {
      String message = String.valueOf(e.getMessage());
      return message.equals("No credentials provided")
          || message.startsWith("too many authentication attempts");
    }

    @Override
    protected PasswordAuthentication getPasswordAuthentication() {
      if (getRequestorType() != RequestorType.PROXY || answered.getAndSet(true)) {
        return null;
      }
      Optional<ProxySettings.Endpoint> endpoint;
      try {
        endpoint = proxy.proxyFor(getRequestingURL().toURI());
      } catch (java.net.URISyntaxException | RuntimeException e) {
        return null;
      }
      return endpoint
          .filter(ProxySettings.Endpoint::hasCredentials)
          .map(e -> new PasswordAuthentication(e.username(), e.password().toCharArray()))
          .orElse(null);
    }
  }

  /** Reads the download; a broken connection is the step's failure, named with the URL. */
  private static int read(InputStream in, byte[] buffer, URI uri) throws IOException, CopyFailure {
    try {
      return in.read(buffer);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      throw new CopyFailure(
          "ADD " + uri + ": the download broke off: " + DownloadFailures.describe(uri, e),
          "run the build again; if it keeps failing, check the server");
    }
  }
}
