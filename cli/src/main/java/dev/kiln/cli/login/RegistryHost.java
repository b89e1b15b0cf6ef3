package dev.kiln.cli.login;

import dev.kiln.registry.reference.ImageReference;
import java.util.Locale;
import java.util.Set;

/**
 * The registry a {@code kiln login} / {@code logout} argument names, in the three forms that
 * matter: the name references use ({@code docker.io}, {@code localhost:5000}), the host the API is
 * served from, and the key Docker files credentials under ({@code https://index.docker.io/v1/} for
 * Docker Hub, the host elsewhere), so that {@code docker} and kiln read each other's logins.
 */
record RegistryHost(String name, String apiHost, String configKey) {
  private static final Set<String> DOCKER_HUB =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");
  private static final String DOCKER_HUB_KEY = "https://index.docker.io/v1/";

  /** Accepts {@code ghcr.io}, {@code localhost:5000}, {@code https://ghcr.io/v2/} and the like. */
  static RegistryHost parse(String text) {
    String host = hostOf(text);
    if (DOCKER_HUB.contains(host)) {
      return new RegistryHost(
          ImageReference.DOCKER_HUB, ImageReference.DOCKER_HUB_API, DOCKER_HUB_KEY);
    }
    return new RegistryHost(host, host, host);
  }

  /** The host part of a registry or config key: scheme and path dropped, lower-cased. */
  static String hostOf(String text) {
    String k = text.trim();
    int scheme = k.indexOf("://");
    if (scheme >= 0) {
      k = k.substring(scheme + 3);
    }
    int slash = k.indexOf('/');
    if (slash >= 0) {
      k = k.substring(0, slash);
    }
    return k.toLowerCase(Locale.ROOT);
  }

  /** Whether a config.json key ({@code http://host}, {@code https://index.docker.io/v1/}) is us. */
  boolean matchesKey(String key) {
    String host = hostOf(key);
    return host.equals(name) || (DOCKER_HUB.contains(host) && DOCKER_HUB.contains(name));
  }
}
