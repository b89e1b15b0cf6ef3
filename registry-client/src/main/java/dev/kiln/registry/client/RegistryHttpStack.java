package dev.kiln.registry.client;

import dev.kiln.registry.auth.AuthInterceptor;
import dev.kiln.registry.auth.TokenCache;
import dev.kiln.registry.auth.TokenClient;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.transport.GoogleHttpTransport;
import dev.kiln.registry.transport.HttpPipeline;
import dev.kiln.registry.transport.PingResults;
import dev.kiln.registry.transport.RedirectInterceptor;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RequestEventsInterceptor;
import dev.kiln.registry.transport.RetryInterceptor;
import dev.kiln.registry.transport.SchemeInterceptor;
import dev.kiln.registry.transport.Transport;
import dev.kiln.registry.transport.UserAgentInterceptor;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The client's HTTP behaviour, assembled in one place so it can be read top to bottom. A request
 * travels down this list and its response back up.
 */
final class RegistryHttpStack implements Transport {
  private final Transport network;
  private final HttpPipeline registry;

  RegistryHttpStack(RegistryClientOptions o, Consumer<RegistryEvent> events) {
    network = new GoogleHttpTransport(o.security(), o.proxy(), o.connectTimeout(), o.readTimeout());
    RetryInterceptor retry =
        new RetryInterceptor(o.retryPolicy(), o.sleeper(), o.random(), o.clock(), events);

    // Token servers are not registries: no ping, no registry credentials.
    HttpPipeline tokenServers =
        new HttpPipeline(
            List.of(
                new UserAgentInterceptor(o.userAgent()),
                retry,
                new RedirectInterceptor(),
                new RequestEventsInterceptor(events)),
            network);

    PingResults pings = new PingResults();
    registry =
        new HttpPipeline(
            List.of(
                new UserAgentInterceptor(o.userAgent()), // name ourselves
                retry, // 5xx, 429, resets: wait and send again (safe requests only)
                new SchemeInterceptor(o.security(), pings, o.schemeMemory()), // ping /v2/ once
                new AuthInterceptor( // basic or bearer, token per scope, refresh on 401
                    o.credentials(),
                    pings,
                    new TokenClient(tokenServers, o.security(), o.clock()),
                    new TokenCache(),
                    o.security(),
                    o.clock(),
                    events),
                new RedirectInterceptor(), // to blob storage, without Authorization
                new RequestEventsInterceptor(events)), // count what reaches the network
            network); // google-http-client over Apache HttpClient, through the proxy Go would pick
  }

  @Override
  public RegistryResponse execute(RegistryRequest request) throws IOException {
    return registry.execute(request);
  }

  @Override
  public void close() throws IOException {
    network.close();
  }
}
