package dev.kiln.registry.transport;

import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * Follows redirects, typically from a registry to its blob storage. The {@code Authorization}
 * header is dropped whenever the target's scheme, host or port differs from the request's: a
 * registry token must never reach a storage bucket or a plain-HTTP hop. GET and HEAD are followed;
 * other methods only on 307/308 with a body that can be sent again.
 */
public final class RedirectInterceptor implements Interceptor {
  private static final int MAX_REDIRECTS = 10;

  @Override
  public RegistryResponse intercept(Chain chain) throws IOException {
    RegistryRequest original = chain.request();
    RegistryRequest request = original;
    for (int hops = 0; ; hops++) {
      RegistryResponse response = chain.proceed(request);
      int status = response.status();
      String location = response.header("Location");
      if (!isRedirect(status) || location == null || !mayFollow(request, status)) {
        return response;
      }
      if (hops == MAX_REDIRECTS) {
        response.close();
        throw new IOException(
            original + " was redirected more than " + MAX_REDIRECTS + " times; giving up");
      }
      response.close();
      URI target;
      try {
        target = request.uri().resolve(location);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            original + " was redirected to an invalid location: " + e.getMessage(), e);
      }
      RegistryRequest next = request.withUri(target);
      if (!sameOrigin(request.uri(), target)) {
        next = next.withoutHeader("Authorization");
      }
      if (status == 303) {
        next = next.withMethod("GET").withBody(null);
      }
      request = next;
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static boolean mayFollow(RegistryRequest request, int status) {
    String m = request.method();
    if (m.equals("GET") || m.equals("HEAD")) {
      return true;
    }
    return (status == 307 || status == 308)
        && (request.body() == null || request.body().replayable());
  }

  /** Same scheme, host and port. */
  static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
        && Objects.equals(lower(a.getHost()), lower(b.getHost()))
        && port(a) == port(b);
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }

  private static int port(URI u) {
    if (u.getPort() >= 0) {
      return u.getPort();
    }
    return "http".equalsIgnoreCase(u.getScheme()) ? 80 : 443;
  }
}
