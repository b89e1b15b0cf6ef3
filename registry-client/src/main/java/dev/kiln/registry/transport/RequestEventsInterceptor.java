package dev.kiln.registry.transport;

import dev.kiln.registry.event.RegistryEvent;
import java.io.IOException;
import java.util.function.Consumer;

/**
 * Reports every exchange that reaches the network as a {@link RegistryEvent.RequestCompleted}
 * (status 0 when no response came back), which is how request counts are measured.
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
      events.accept(new RegistryEvent.RequestCompleted(request.method(), request.redactedUrl(), 0));
      throw e;
    }
  }
}
