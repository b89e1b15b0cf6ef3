package dev.kiln.registry.transport;

import java.io.IOException;

/**
 * One concern of the HTTP behaviour (user agent, retry, scheme, auth, redirects...). An interceptor
 * looks at {@link Chain#request()}, calls {@link Chain#proceed} zero or more times, and returns a
 * response. The whole chain is assembled in one place ({@code RegistryHttpStack}).
 */
@FunctionalInterface
public interface Interceptor {

  RegistryResponse intercept(Chain chain) throws IOException;

  /** The rest of the chain, as seen from one interceptor. */
  interface Chain {
    RegistryRequest request();

    /** Sends {@code request} through the interceptors below this one and the transport. */
    RegistryResponse proceed(RegistryRequest request) throws IOException;
  }
}
