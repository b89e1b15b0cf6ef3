package dev.kiln.registry.transport;

import java.io.IOException;

/** Names kiln in every request, so registry operators can tell who is calling. */
public final class UserAgentInterceptor implements Interceptor {
  private final String userAgent;

  public UserAgentInterceptor(String userAgent) {
    this.userAgent = userAgent;
  }

  @Override
  public RegistryResponse intercept(Chain chain) throws IOException {
    RegistryRequest request = chain.request();
    return chain.proceed(
        request.headers().has("User-Agent")
            ? request
            : request.withHeader("User-Agent", userAgent));
  }
}
