package dev.kiln.registry.transport;

import java.io.IOException;
import java.net.SocketException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Chooses the scheme for each registry by pinging {@code /v2/} once: HTTPS, or plain HTTP when the
 * registry is insecure ({@link RegistrySecurity}) and HTTPS does not work. The ping's {@code
 * WWW-Authenticate} challenge is remembered in {@link PingResults} for the auth interceptor, so
 * later requests carry credentials from the start instead of collecting a 401 each.
 *
 * <p>Only registry API calls ({@link RegistryRequest#registryHost()} set) are touched; token
 * servers and redirected blob storage keep the URL they were given.
 */
public final class SchemeInterceptor implements Interceptor {
  private final RegistrySecurity security;
  private final PingResults pings;
  private final SchemeMemory memory;

  public SchemeInterceptor(RegistrySecurity security, PingResults pings) {
    this(security, pings, SchemeMemory.NONE);
  }

  /**
   * @param memory which insecure registries spoke plain HTTP before: they are tried over HTTP
   *     first, then HTTPS; what a ping finds is recorded in it
   */
  public SchemeInterceptor(RegistrySecurity security, PingResults pings, SchemeMemory memory) {
    this.security = security;
    this.pings = pings;
    this.memory = memory;
  }

  @Override
  public RegistryResponse intercept(Chain chain) throws IOException {
    RegistryRequest request = chain.request();
    String host = request.registryHost();
    if (host == null) {
      return chain.proceed(request);
    }
    PingResults.Ping ping = pings.getOrPing(host, () -> ping(chain, host));
    return chain.proceed(request.withUri(withScheme(request.uri(), ping.scheme())));
  }

  private PingResults.Ping ping(Chain chain, String host) throws IOException {
    PingResults.Ping ping = pingBySchemes(chain, host);
    if (security.isInsecure(host) && !security.isPlainHttp(host)) {
      memory.answered(host, ping.scheme());
    }
    return ping;
  }

  private PingResults.Ping pingBySchemes(Chain chain, String host) throws IOException {
    boolean mayUseHttp = security.isInsecure(host);
    // Plain HTTP first only for a registry that answered so before (and may be spoken to so); an
    // HTTPS registry answers a plain request with an error or a dropped connection, so HTTPS
    // comes next.
    boolean httpFirst = mayUseHttp && !security.isPlainHttp(host) && memory.plainHttp(host);
    IOException httpsFailure = null;
    List<String> schemes =
        security.isPlainHttp(host)
            ? List.of("http")
            : httpFirst
                ? List.of("http", "https")
                : mayUseHttp ? List.of("https", "http") : List.of("https");
    for (String scheme : schemes) {
      RegistryRequest ping =
          RegistryRequest.of("GET", URI.create(scheme + "://" + host + "/v2/"))
              .withBufferLimit(GoogleHttpTransport.MAX_ERROR_BODY);
      boolean triedFirst = httpFirst && scheme.equals("http");
      try (RegistryResponse response = chain.proceed(ping)) {
        int status = response.status();
        if (response.isSuccessful()) {
          return new PingResults.Ping(scheme, List.of());
        }
        if (status == 401) {
          return new PingResults.Ping(scheme, response.headers().all("WWW-Authenticate"));
        }
        if (triedFirst) {
          continue; // what a TLS server says to a plain request (400): try HTTPS
        }
        if (status == 404) {
          throw new RegistryException(
              "checking registry " + host,
              "GET",
              ping.redactedUrl(),
              404,
              List.of(),
              null,
              false,
              host + " does not serve the registry API (v2); check the host name and port",
              null);
        }
        throw RegistryException.fromResponse("checking registry " + host, response);
      } catch (RegistryException e) {
        throw e;
      } catch (IOException e) {
        if (triedFirst) {
          continue;
        }
        if (scheme.equals("https") && mayUseHttp && !httpFirst) {
          httpsFailure = e;
          continue;
        }
        throw explain(host, scheme, e, httpsFailure);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** A connection the server dropped (a reset or a broken pipe), however wrapped. */
  private static boolean brokenConnection(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketException) {
        return true;
      }
    }
    return false;
  }

  /** A TLS alert saying the server wanted a (valid) client certificate. */
  private static boolean asksForClientCertificate(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (t instanceof SSLException
          && m != null
          && (m.contains("bad_certificate") || m.contains("certificate_required"))) {
        return true;
      }
    }
    return false;
  }

  private IOException explain(String host, String scheme, IOException e, IOException httpsFailure) {
    if (asksForClientCertificate(e)
        || (brokenConnection(e) && ClientCertificateRequests.askedBy(host))) {
      return new RegistryException(
          "connecting to " + host,
          host
              + " asks for a client certificate and refused the connection ("
              + e.getMessage()
              + "); put the certificate and its key in "
              + security.certificateLocations(host, "client.cert")
              + " with the key beside it as client.key",
          e);
    }
    if (e instanceof SSLHandshakeException || e.getCause() instanceof SSLHandshakeException) {
      return new RegistryException(
          "connecting to " + host,
          "the TLS certificate of "
              + host
              + " is not trusted ("
              + e.getMessage()
              + "); put its CA certificate in "
              + security.certificateLocations(host, "ca.crt")
              + ", or mark the registry insecure if you trust the network",
          e);
    }
    if (e instanceof SSLException && !security.isInsecure(host)) {
      return new RegistryException(
          "connecting to " + host,
          "TLS with "
              + host
              + " failed ("
              + e.getMessage()
              + "); if it serves plain HTTP, mark it insecure (plain HTTP is only used for"
              + " registries named insecure, and for localhost)",
          e);
    }
    if (httpsFailure != null) {
      e.addSuppressed(httpsFailure);
    }
    return e;
  }

  private static URI withScheme(URI uri, String scheme) {
    if (scheme.equalsIgnoreCase(uri.getScheme())) {
      return uri;
    }
    try {
      return new URI(
          scheme
              + "://"
              + uri.getRawAuthority()
              + uri.getRawPath()
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot change scheme of " + uri, e);
    }
  }
}
