package dev.kiln.registry.transport;

import java.io.IOException;
import java.util.List;

/**
 * Interceptors in order, ending in a {@link Transport}. Checks the chain's contract as it runs, so
 * that a broken interceptor is named instead of failing somewhere else: an interceptor must not
 * return null.
 */
public final class HttpPipeline implements Transport {
  private final List<Interceptor> interceptors;
  private final Transport transport;

  public HttpPipeline(List<Interceptor> interceptors, Transport transport) {
    this.interceptors = List.copyOf(interceptors);
    this.transport = transport;
  }

  @Override
  public RegistryResponse execute(RegistryRequest request) throws IOException {
    return new Link(0, request).proceed(request);
  }

  @Override
  public void close() throws IOException {
    transport.close();
  }

  private final class Link implements Interceptor.Chain {
    private final int index;
    private final RegistryRequest request;

    Link(int index, RegistryRequest request) {
      this.index = index;
      this.request = request;
    }

    @Override
    public RegistryRequest request() {
      return request;
    }

    @Override
    public RegistryResponse proceed(RegistryRequest next) throws IOException {
      if (index == interceptors.size()) {
        return transport.execute(next);
      }
      Interceptor interceptor = interceptors.get(index);
      RegistryResponse response = interceptor.intercept(new Link(index + 1, next));
      if (response == null) {
        throw new IllegalStateException(
            interceptor.getClass().getSimpleName() + " returned no response for " + next);
      }
      return response;
    }
  }
}
