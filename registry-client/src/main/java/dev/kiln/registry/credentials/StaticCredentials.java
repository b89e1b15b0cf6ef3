package dev.kiln.registry.credentials;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials given explicitly through the API or the command line, keyed by registry. Docker Hub's
 * aliases all find the same entry.
 */
public final class StaticCredentials implements CredentialSource {
  private final Map<String, Credential> byRegistry;
  private final String source;

  /**
   * @param byRegistry registry (as in references, e.g. {@code ghcr.io}) → credential
   * @param source how to name this source in logs, e.g. {@code --registry-auth flag}
   */
  public StaticCredentials(Map<String, Credential> byRegistry, String source) {
    Map<String, Credential> copy = new HashMap<>();
    byRegistry.forEach((k, v) -> copy.put(RegistryKeys.host(k), v));
    this.byRegistry = Map.copyOf(copy);
    this.source = source;
  }

  @Override
  public Optional<FoundCredential> find(String registry, String repository) {
    String wanted = registry.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, Credential> e : byRegistry.entrySet()) {
      if (RegistryKeys.sameRegistry(e.getKey(), wanted)) {
        return Optional.of(new FoundCredential(e.getValue(), source));
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return source;
  }
}
