package dev.kiln.registry.transport;

import dev.kiln.registry.event.RegistryEvent;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reports every request sent as a {@link RegistryEvent.RequestCompleted} (status 0 when no response
 * came back), which is how request counts are measured. A connection that could not be made
 * (refused, or a TLS handshake that failed, as when probing HTTPS on a plain-HTTP registry) sent no
 * request and is not counted.
 */
public final class RequestEventsInterceptor implements Interceptor {
  private final Consumer<RegistryEvent> events;

  public RequestEventsInterceptor(Consumer<RegistryEvent> events) {
    this.events = events;
  }

  @Override
  public RegistryResponse intercept(Chain chain) throws IOException {
    RegistryRequest request = chain.request();
    try {
      RegistryResponse response = chain.proceed(request);
      events.accept(
          new RegistryEvent.RequestCompleted(
              request.method(), request.redactedUrl(), response.status()));
      return response;
    } catch (IOException e) {
      if (!neverSent(e)) {
        events.accept(
            new RegistryEvent.RequestCompleted(request.method(), request.redactedUrl(), 0));
      }
      throw e;
    }
  }

  private static boolean neverSent(IOException e) {
    return e instanceof javax.net.ssl.SSLException
        || e instanceof java.net.ConnectException
        || e instanceof java.net.UnknownHostException
        || e instanceof java.net.NoRouteToHostException
        || e.getClass().getName().endsWith("ConnectTimeoutException");
  }
}
