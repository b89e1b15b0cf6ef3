package dev.kiln.registry.transport;

import java.net.ProxySelector;
import java.net.URI;
import java.util.Optional;
import org.apache.http.HttpException;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.conn.routing.HttpRoute;
import org.apache.http.impl.conn.DefaultRoutePlanner;
import org.apache.http.impl.conn.SystemDefaultRoutePlanner;
import org.apache.http.protocol.HttpContext;

/**
 * Chooses Apache HttpClient's route by {@link ProxySettings}: through the proxy Go's rules pick for
 * the target, or direct. Without any proxy variable it leaves the choice to the JVM's {@link
 * ProxySelector} ({@code -Dhttps.proxyHost}, {@code -Dhttp.nonProxyHosts}), as before. The chosen
 * proxy is left in the request's context under {@link #PROXY_ATTRIBUTE} so that its credentials can
 * be sent.
 */
final class ProxyRoutePlanner extends DefaultRoutePlanner {
  static final String PROXY_ATTRIBUTE = "dev.kiln.proxy";

  private final ProxySettings settings;
  private final SystemDefaultRoutePlanner jvm;

  ProxyRoutePlanner(ProxySettings settings) {
    super(null);
    this.settings = settings;
    this.jvm = new SystemDefaultRoutePlanner(ProxySelector.getDefault());
  }

  @Override
  public HttpRoute determineRoute(HttpHost target, HttpRequest request, HttpContext context)
      throws HttpException {
    if (settings.isEmpty()) {
      return jvm.determineRoute(target, request, context);
    }
    return super.determineRoute(target, request, context);
  }

  @Override
  protected HttpHost determineProxy(HttpHost target, HttpRequest request, HttpContext context) {
    String scheme = target.getSchemeName();
    int port = target.getPort();
    URI uri =
        URI.create(
            scheme
                + "://"
                + (target.getHostName().indexOf(':') >= 0
                    ? "[" + target.getHostName() + "]"
                    : target.getHostName())
                + (port >= 0 ? ":" + port : "")
                + "/");
    Optional<ProxySettings.Endpoint> proxy = settings.proxyFor(uri);
    if (proxy.isEmpty()) {
      return null;
    }
    context.setAttribute(PROXY_ATTRIBUTE, proxy.get());
    return new HttpHost(proxy.get().host(), proxy.get().port(), "http");
  }
}
