package dev.kiln.registry.transport;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpContent;
import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.apache.v2.ApacheHttpTransport;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.ChallengeState;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.socket.LayeredConnectionSocketFactory;
import org.apache.http.conn.socket.PlainConnectionSocketFactory;
import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.conn.ssl.NoopHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.auth.BasicScheme;
import org.apache.http.impl.client.BasicAuthCache;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClientBuilder;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.protocol.HttpContext;

/**
 * The network end of the chain: google-http-client over Apache HttpClient 4 (the JDK transport
 * cannot send PATCH). One Apache client, with its own connection pool and TLS settings from {@link
 * RegistrySecurity}, per target {@code host:port}.
 *
 * <p>Everything google-http-client would otherwise do on its own is switched off, because the
 * interceptors above do it explicitly: no retries, no redirects, no gzip (a {@code Range} resume
 * needs byte offsets of the stored blob), no user-agent suffix, no logging (it could log headers).
 * Apache's cookie store is off too: the distribution API carries nothing in cookies, Docker's
 * client keeps none, and Apache's parser logs a java.util.logging warning for every CDN cookie it
 * cannot read.
 *
 * <p>Error bodies (any non-2xx) are read here, capped at 64 KiB, so that they can be quoted in
 * messages and the connection is released; successful bodies stream unless the request asks for
 * buffering.
 */
public final class GoogleHttpTransport implements Transport {
  static final int MAX_ERROR_BODY = 64 * 1024;

  private final RegistrySecurity security;
  private final ProxySettings proxy;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final Map<String, Client> clients = new ConcurrentHashMap<>();

  private record Client(CloseableHttpClient apache, HttpRequestFactory factory) {}

  /** A transport that uses the JVM's proxy settings only (no proxy variables). */
  public GoogleHttpTransport(
      RegistrySecurity security, Duration connectTimeout, Duration readTimeout) {
    this(security, ProxySettings.NONE, connectTimeout, readTimeout);
  }

  /**
   * @param proxy the environment's proxy variables ({@link ProxySettings#NONE}: the JVM's settings)
   */
  public GoogleHttpTransport(
      RegistrySecurity security,
      ProxySettings proxy,
      Duration connectTimeout,
      Duration readTimeout) {
    this.security = security;
    this.proxy = proxy;
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  @Override
  public RegistryResponse execute(RegistryRequest request) throws IOException {
    String hostPort = request.uri().getRawAuthority().toLowerCase(Locale.ROOT);
    try {
      // Checked here, where a bad variable can still be reported as this request's failure.
      proxy.proxyFor(request.uri());
    } catch (ProxyConfigurationException e) {
      throw new RegistryException(
          "connecting to " + hostPort, e.getMessage() + "; " + e.hint(), null);
    }
    Client client = clientFor(hostPort);
    HttpRequest http =
        client
            .factory()
            .buildRequest(
                request.method(),
                new GenericUrl(request.uri().toString(), true),
                request.body() == null ? null : new BodyContent(request.body()));
    HttpHeaders headers = new HttpHeaders();
    headers.setAcceptEncoding(null);
    request.headers().asMap().forEach((name, values) -> headers.set(name, new ArrayList<>(values)));
    http.setHeaders(headers)
        .setNumberOfRetries(0)
        .setFollowRedirects(false)
        .setThrowExceptionOnExecuteError(false)
        .setSuppressUserAgentSuffix(true)
        .setResponseReturnRawInputStream(true)
        .setLoggingEnabled(false)
        .setCurlLoggingEnabled(false)
        .setConnectTimeout((int) connectTimeout.toMillis())
        .setReadTimeout((int) readTimeout.toMillis());

    HttpResponse response = http.execute();
    int status = response.getStatusCode();
    Headers responseHeaders = convert(response.getHeaders());
    InputStream content;
    try {
      content = response.getContent();
    } catch (IOException e) {
      response.disconnect();
      throw e;
    }
    if (content == null) {
      return RegistryResponse.buffered(request, status, responseHeaders, new byte[0]);
    }
    boolean success = status >= 200 && status < 300;
    long limit = success ? request.bufferLimit() : MAX_ERROR_BODY;
    if (limit <= 0) {
      return RegistryResponse.streaming(
          request, status, responseHeaders, content, () -> disconnect(response));
    }
    byte[] body;
    try {
      body = content.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    } catch (IOException e) {
      disconnect(response);
      throw e;
    }
    if (body.length > limit) {
      disconnect(response);
      if (success) {
        throw new RegistryException(
            null,
            request.method(),
            request.redactedUrl(),
            status,
            List.of(),
            null,
            false,
            "the response is larger than the " + limit + " bytes expected",
            null);
      }
      body = java.util.Arrays.copyOf(body, (int) limit);
    } else {
      content.close();
    }
    return RegistryResponse.buffered(request, status, responseHeaders, body);
  }

  private static void disconnect(HttpResponse response) {
    try {
      response.disconnect();
    } catch (IOException | RuntimeException e) {
      // the connection is discarded either way
    }
  }

  private static Headers convert(HttpHeaders google) {
    Headers out = Headers.empty();
    for (Map.Entry<String, Object> e : google.entrySet()) {
      Object value = e.getValue();
      if (value instanceof Iterable<?> values) {
        for (Object v : values) {
          if (v != null) {
            out = out.plus(e.getKey(), v.toString());
          }
        }
      } else if (value != null) {
        out = out.plus(e.getKey(), value.toString());
      }
    }
    return out;
  }

  private Client clientFor(String hostPort) throws IOException {
    Client client = clients.get(hostPort);
    if (client != null) {
      return client;
    }
    synchronized (clients) {
      client = clients.get(hostPort);
      if (client == null) {
        client = newClient(hostPort);
        clients.put(hostPort, client);
      }
      return client;
    }
  }

  private Client newClient(String hostPort) throws IOException {
    int timeout = (int) connectTimeout.toMillis();
    PoolingHttpClientConnectionManager pool =
        new PoolingHttpClientConnectionManager(
            RegistryBuilder.<ConnectionSocketFactory>create()
                .register(
                    "http",
                    new ConnectTimeoutSocketFactory(
                        () -> PlainConnectionSocketFactory.INSTANCE, timeout))
                .register(
                    "https",
                    new ConnectTimeoutSocketFactory(() -> tlsSocketFactory(hostPort), timeout))
                .build());
    pool.setMaxTotal(64);
    pool.setDefaultMaxPerRoute(16);
    // A pooled connection the server closed while idle would fail the next request; check first.
    pool.setValidateAfterInactivity(2000);
    CloseableHttpClient apache =
        HttpClientBuilder.create()
            .useSystemProperties()
            .setConnectionManager(pool)
            .setRoutePlanner(new ProxyRoutePlanner(proxy))
            .addInterceptorFirst(
                (org.apache.http.HttpRequestInterceptor) GoogleHttpTransport::proxyCredentials)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableContentCompression()
            .disableCookieManagement()
            .build();
    return new Client(apache, new ApacheHttpTransport(apache).createRequestFactory());
  }

  /**
   * The TLS side of a host's connections. Made on the first HTTPS connection, not with the client:
   * a plain-HTTP registry (a loopback one, or one remembered as plain) never needs it, and setting
   * up TLS (reading the trust store, the JSSE classes) was most of what a no-change build's first
   * registry request waited for.
   */
  private ConnectionSocketFactory tlsSocketFactory(String hostPort) throws IOException {
    try {
      HostCertificates certificates = security.certificatesFor(hostPort);
      if (security.isInsecure(hostPort)) {
        return new SSLConnectionSocketFactory(
            TlsContexts.trustingAnything(hostPort, certificates.clients()),
            NoopHostnameVerifier.INSTANCE);
      }
      return new SSLConnectionSocketFactory(
          TlsContexts.forHost(hostPort, certificates), new DefaultHostnameVerifier());
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot set up TLS for " + hostPort + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sends the proxy's credentials (from the user info of its URL) with the first request, CONNECT
   * included, as Go does, instead of waiting for a 407: a streamed upload cannot be sent twice.
   */
  private static void proxyCredentials(org.apache.http.HttpRequest request, HttpContext context) {
    Object chosen = context.getAttribute(ProxyRoutePlanner.PROXY_ATTRIBUTE);
    if (!(chosen instanceof ProxySettings.Endpoint endpoint) || !endpoint.hasCredentials()) {
      return;
    }
    HttpClientContext client = HttpClientContext.adapt(context);
    HttpHost proxyHost = new HttpHost(endpoint.host(), endpoint.port(), "http");
    BasicCredentialsProvider credentials = new BasicCredentialsProvider();
    credentials.setCredentials(
        new AuthScope(proxyHost),
        new UsernamePasswordCredentials(endpoint.username(), endpoint.password()));
    client.setCredentialsProvider(credentials);
    BasicAuthCache cache = new BasicAuthCache();
    cache.put(proxyHost, new BasicScheme(ChallengeState.PROXY));
    client.setAuthCache(cache);
  }

  @Override
  public void close() throws IOException {
    for (Client c : clients.values()) {
      c.apache().close();
    }
    clients.clear();
  }

  /** Adapts a {@link RequestBody} to google-http-client without buffering it. */
  private static final class BodyContent implements HttpContent {
    private final RequestBody body;

    BodyContent(RequestBody body) {
      this.body = body;
    }

    @Override
    public long getLength() {
      return body.length();
    }

    @Override
    public String getType() {
      return body.contentType();
    }

    @Override
    public boolean retrySupported() {
      return body.replayable();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      // The transport owns the connection's stream; a body must not close it.
      body.writeTo(
          new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
              flush();
            }
          });
    }
  }

  /**
   * Applies the connect timeout: google-http-client's Apache adapter passes its connect timeout as
   * the pool wait, leaving the TCP connect unbounded.
   */
  /** Makes a socket factory when it is first needed; see {@link #tlsSocketFactory}. */
  @FunctionalInterface
  private interface SocketFactorySource {
    ConnectionSocketFactory make() throws IOException;
  }

  private static final class ConnectTimeoutSocketFactory implements LayeredConnectionSocketFactory {
    private final SocketFactorySource source;
    private final int timeoutMillis;
    private ConnectionSocketFactory delegate;

    ConnectTimeoutSocketFactory(SocketFactorySource source, int timeoutMillis) {
      this.source = source;
      this.timeoutMillis = timeoutMillis;
    }

    private synchronized ConnectionSocketFactory delegate() throws IOException {
      if (delegate == null) {
        delegate = source.make();
      }
      return delegate;
    }

    @Override
    public Socket createSocket(HttpContext context) throws IOException {
      return delegate().createSocket(context);
    }

    @Override
    public Socket connectSocket(
        int connectTimeout,
        Socket socket,
        HttpHost host,
        InetSocketAddress remoteAddress,
        InetSocketAddress localAddress,
        HttpContext context)
        throws IOException {
      int timeout = connectTimeout > 0 ? connectTimeout : timeoutMillis;
      return delegate().connectSocket(timeout, socket, host, remoteAddress, localAddress, context);
    }

    @Override
    public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context)
        throws IOException {
      if (delegate() instanceof LayeredConnectionSocketFactory layered) {
        return layered.createLayeredSocket(socket, target, port, context);
      }
      throw new IOException("cannot layer TLS over " + target + " with a plain socket factory");
    }
  }
}
