package dev.kiln.registry.credentials;

import java.util.Locale;
import java.util.Set;

/**
 * Matches the keys config files use ({@code https://index.docker.io/v1/}, {@code ghcr.io}, {@code
 * http://localhost:5000}, podman's {@code quay.io/org/repo}) against a registry and repository.
 */
final class RegistryKeys {
  private RegistryKeys() {}

  /** Every name Docker Hub goes by in config files and references. */
  static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  /** The server URL Docker stores Hub credentials under and passes to credential helpers. */
  static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

  /** The host part of a key: scheme and path dropped, lower-cased. */
  static String host(String key) {
    String k = key.trim();
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

  /** The namespace path of a podman key ({@code quay.io/org} → {@code org}), or "". */
  static String namespace(String key) {
    String k = key.trim();
    if (k.contains("://")) {
      return ""; // legacy URL keys are registry-wide
    }
    int slash = k.indexOf('/');
    return slash < 0 ? "" : k.substring(slash + 1).replaceAll("/+$", "");
  }

  static boolean sameRegistry(String keyHost, String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    if (keyHost.equals(r)) {
      return true;
    }
    return DOCKER_HUB_ALIASES.contains(keyHost) && DOCKER_HUB_ALIASES.contains(r);
  }

  /**
   * How well {@code key} matches: -1 for no match, else the length of its namespace, so that the
   * most specific podman entry wins.
   */
  static int match(String key, String registry, String repository, boolean namespaced) {
    if (!sameRegistry(host(key), registry)) {
      return -1;
    }
    if (!namespaced) {
      return 0;
    }
    String ns = namespace(key);
    if (ns.isEmpty()) {
      return 0;
    }
    if (repository != null && (repository.equals(ns) || repository.startsWith(ns + "/"))) {
      return ns.length();
    }
    return -1;
  }

  /** What a credential helper is asked for: Docker's Hub URL, else the registry host. */
  static String helperServerUrl(String registry) {
    return DOCKER_HUB_ALIASES.contains(registry.toLowerCase(Locale.ROOT))
        ? DOCKER_HUB_SERVER
        : registry;
  }
}
