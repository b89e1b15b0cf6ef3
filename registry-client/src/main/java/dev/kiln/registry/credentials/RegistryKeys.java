package dev.kiln.registry.credentials;

import java.util.Locale;
import java.util.Set;

/**
 * Matches the keys config files use ({@code https://index.docker.io/v1/}, {@code ghcr.io}, {@code
 * http://localhost:5000}, podman's {@code quay.io/org/repo}) against a registry and repository.
 *
 * <p>The one reading of such keys: the credential sources look credentials up with it and {@code
 * kiln login} stores them with it, so a login is always found under the key it was stored under.
 */
public final class RegistryKeys {
  private RegistryKeys() {}

  /** Every name Docker Hub goes by in config files and references. */
  static final Set<String> DOCKER_HUB_ALIASES =
      Set.of("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com");

  /** The server URL Docker stores Hub credentials under and passes to credential helpers. */
  public static final String DOCKER_HUB_SERVER = "https://index.docker.io/v1/";

  /**
   * The host part of a key or a registry argument ({@code https://index.docker.io/v1/}, {@code
   * HTTP://LocalHost:5000/v2/}, {@code quay.io/org/repo}): scheme and path dropped, port kept,
   * lower-cased. Docker Hub's aliases are not folded; {@link #sameRegistry} knows them.
   */
  public static String host(String key) {
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

  /** Whether {@code host} (as {@link #host} returns it) is one of Docker Hub's names. */
  public static boolean isDockerHub(String host) {
    return DOCKER_HUB_ALIASES.contains(host.toLowerCase(Locale.ROOT));
  }

  /**
   * Whether a key's host (as {@link #host} returns it) names {@code registry}: the same host, or
   * two of Docker Hub's names.
   */
  public static boolean sameRegistry(String keyHost, String registry) {
    String r = registry.toLowerCase(Locale.ROOT);
    if (keyHost.equals(r)) {
      return true;
    }
    return isDockerHub(keyHost) && isDockerHub(r);
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
    return isDockerHub(registry) ? DOCKER_HUB_SERVER : registry;
  }
}
