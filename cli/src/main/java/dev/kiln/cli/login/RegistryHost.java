package dev.kiln.cli.login;

import dev.kiln.registry.credentials.RegistryKeys;
import dev.kiln.registry.reference.ImageReference;

/**
 * The registry a {@code kiln login} / {@code logout} argument names, in the three forms that
 * matter: the name references use ({@code docker.io}, {@code localhost:5000}), the host the API is
 * served from, and the key Docker files credentials under ({@code https://index.docker.io/v1/} for
 * Docker Hub, the host elsewhere), so that {@code docker} and kiln read each other's logins.
 */
record RegistryHost(String name, String apiHost, String configKey) {
  /** Accepts {@code ghcr.io}, {@code localhost:5000}, {@code https://ghcr.io/v2/} and the like. */
  static RegistryHost parse(String text) {
    String host = RegistryKeys.host(text);
    if (RegistryKeys.isDockerHub(host)) {
      return new RegistryHost(
          ImageReference.DOCKER_HUB, ImageReference.DOCKER_HUB_API, RegistryKeys.DOCKER_HUB_SERVER);
    }
    return new RegistryHost(host, host, host);
  }

  /** Whether a config.json key ({@code http://host}, {@code https://index.docker.io/v1/}) is us. */
  boolean matchesKey(String key) {
    return RegistryKeys.sameRegistry(RegistryKeys.host(key), name);
  }
}
