package dev.kiln.core.fetch;

import dev.kiln.registry.transport.ProxyConfigurationException;
import dev.kiln.registry.transport.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one way kiln downloads a build's source over HTTP (ADD's URLs, a build context URL): a GET
 * that follows redirects, through the proxy the build's environment names (with the user and
 * password of the proxy's URL, as Go sends them), with two minutes to connect and answer, and a
 * body that fails when the server goes quiet for the {@link IdleLimit}. Anything but a 2xx answer
 * is a {@link DownloadFailure}; the body is streamed, never held.
 */
public final class HttpDownload {
  private static final Duration CONNECT = Duration.ofSeconds(30);
  private static final Duration ANSWER = Duration.ofMinutes(2);

  private final ProxySettings proxy;
  private final ProxyCredentials credentials;
  private final HttpClient client;

  /** Downloads through {@code proxy} (the build's environment's proxy settings). */
  public HttpDownload(ProxySettings proxy) {
    this.proxy = proxy;
    this.credentials = new ProxyCredentials(proxy);
    this.client =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(CONNECT)
            .proxy(proxy.asProxySelector())
            .authenticator(credentials)
            .build();
  }

  /**
   * The answer to a GET of a URL.
   *
   * @param body the body, failing with {@link DownloadStalled} when the server goes quiet
   * @param lastModified the server's {@code Last-Modified} header, if any
   */
  public record Response(InputStream body, Optional<String> lastModified) {}

  /**
   * GETs {@code uri}; {@code shown} is the URL as messages may show it (no password). Not
   * thread-safe: one download at a time per instance, as the proxy's answer is given once each.
   */
  public Response get(URI uri, String shown) throws IOException, DownloadFailure {
    Optional<ProxySettings.Endpoint> through;
    try {
      through = proxy.proxyFor(uri);
    } catch (ProxyConfigurationException e) {
      throw new DownloadFailure(e.getMessage(), e.hint());
    }
    HttpResponse<InputStream> response;
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(ANSWER).GET();
      if (through.isPresent() && through.get().hasCredentials() && "http".equals(uri.getScheme())) {
        // Sent at once, as Go sends it; the authenticator answers a proxy's 407 otherwise.
        request.header("Proxy-Authorization", basic(through.get()));
      }
      credentials.answerOnce();
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while downloading " + shown);
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      if (through.isPresent() && credentials.refused(e)) {
        throw proxyRefused(uri, through.get());
      }
      String via = through.map(p -> " (through " + p + ")").orElse("");
      throw new DownloadFailure(
          DownloadFailures.describe(uri, e) + via,
          through.isPresent()
              ? "check the URL, the proxy, and that the server is reachable through it"
              : "check the URL, and that its server is up and reachable from this machine");
    }
    if (response.statusCode() == 407 && through.isPresent()) {
      response.body().close();
      throw proxyRefused(uri, through.get());
    }
    if (response.statusCode() / 100 != 2) {
      response.body().close();
      throw new DownloadFailure(
          "HTTP " + response.statusCode(),
          "check the URL; redirects are followed, but the last answer must be 2xx");
    }
    return new Response(
        new IdleLimitedStream(response.body(), shown, IdleLimit.current()),
        response.headers().firstValue("Last-Modified"));
  }

  /** Why reading {@code uri}'s body failed, for a message that names the URL. */
  public static String describe(URI uri, IOException e) {
    return DownloadFailures.describe(uri, e);
  }

  private static DownloadFailure proxyRefused(URI uri, ProxySettings.Endpoint proxy) {
    String hint;
    if (!proxy.hasCredentials()) {
      hint =
          "put the proxy's user and password in "
              + proxy.variable()
              + " (http://USER:PASSWORD@HOST:PORT)";
    } else if ("https".equals(uri.getScheme())
        && !"".equals(System.getProperty("jdk.http.auth.tunneling.disabledSchemes"))) {
      hint =
          "the JVM refuses Basic proxy credentials for https tunnels unless it runs with"
              + " -Djdk.http.auth.tunneling.disabledSchemes= (the kiln command sets it; add it"
              + " to MAVEN_OPTS for the Maven plugin)";
    } else {
      hint = "check the user and password in " + proxy.variable();
    }
    return new DownloadFailure(
        "the " + proxy + " answered 407 Proxy Authentication Required", hint);
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
    private final AtomicBoolean answered = new AtomicBoolean();

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
      } catch (URISyntaxException | RuntimeException e) {
        return null;
      }
      return endpoint
          .filter(ProxySettings.Endpoint::hasCredentials)
          .map(e -> new PasswordAuthentication(e.username(), e.password().toCharArray()))
          .orElse(null);
    }
  }
}
