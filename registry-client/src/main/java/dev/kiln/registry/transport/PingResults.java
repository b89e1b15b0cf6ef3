package dev.kiln.registry.transport;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What {@code GET /v2/} told us about each registry: the scheme that works and the {@code
 * WWW-Authenticate} challenges it sent. Filled once per registry by {@link SchemeInterceptor}, read
 * by the auth interceptor. Thread-safe; concurrent first requests to one registry ping once.
 */
public final class PingResults {
  /**
   * @param scheme {@code https}, or {@code http} for an insecure registry without TLS
   * @param challenges raw {@code WWW-Authenticate} values; empty when {@code /v2/} needs no auth
   */
  public record Ping(String scheme, List<String> challenges) {
    public Ping {
      challenges = List.copyOf(challenges);
    }
  }

  /** Produces a ping result by talking to the registry. */
  @FunctionalInterface
  interface Pinger {
    Ping ping() throws IOException;
  }

  private final Map<String, Ping> results = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  public Optional<Ping> get(String hostPort) {
    return Optional.ofNullable(results.get(hostPort));
  }

  Ping getOrPing(String hostPort, Pinger pinger) throws IOException {
    Ping known = results.get(hostPort);
    if (known != null) {
      return known;
    }
    synchronized (locks.computeIfAbsent(hostPort, h -> new Object())) {
      known = results.get(hostPort);
      if (known == null) {
        known = pinger.ping();
        results.put(hostPort, known);
      }
      return known;
    }
  }
}
