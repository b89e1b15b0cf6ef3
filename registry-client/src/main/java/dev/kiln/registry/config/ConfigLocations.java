package dev.kiln.registry.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the settings of docker, podman and kiln live on this machine, found from an environment (a
 * build request's, or kiln's own), so that a test or a chroot-like setup can move them:
 *
 * <ul>
 *   <li>{@code HOME} (else the JVM's {@code user.home}): kiln's {@code ~/.config/kiln/} and
 *       podman's per-user {@code ~/.config/containers/};
 *   <li>{@code KILN_ETC_CONTAINERS} (default {@code /etc/containers}): podman's system settings;
 *   <li>{@code KILN_ETC_DOCKER} (default {@code /etc/docker}): the Docker daemon's settings;
 *   <li>{@code CONTAINERS_REGISTRIES_CONF}: podman's variable for the registries.conf to read
 *       instead of the per-user or system one.
 * </ul>
 *
 * @param home the user's home directory
 * @param etcContainers podman's and buildah's system directory
 * @param etcDocker Docker's system directory
 * @param registriesConf the registries.conf {@code CONTAINERS_REGISTRIES_CONF} names, or null
 */
public record ConfigLocations(Path home, Path etcContainers, Path etcDocker, Path registriesConf) {
  /** Names the registries.conf to read, as for podman. */
  public static final String REGISTRIES_CONF_VARIABLE = "CONTAINERS_REGISTRIES_CONF";

  /** Overrides {@code /etc/containers}. */
  public static final String ETC_CONTAINERS_VARIABLE = "KILN_ETC_CONTAINERS";

  /** Overrides {@code /etc/docker}. */
  public static final String ETC_DOCKER_VARIABLE = "KILN_ETC_DOCKER";

  /** The locations {@code env} names, defaulting to the real system paths. */
  public static ConfigLocations fromEnvironment(Map<String, String> env) {
    return new ConfigLocations(
        Path.of(nonEmpty(env.get("HOME"), System.getProperty("user.home"))),
        Path.of(nonEmpty(env.get(ETC_CONTAINERS_VARIABLE), "/etc/containers")),
        Path.of(nonEmpty(env.get(ETC_DOCKER_VARIABLE), "/etc/docker")),
        nonEmpty(env.get(REGISTRIES_CONF_VARIABLE), null) == null
            ? null
            : Path.of(env.get(REGISTRIES_CONF_VARIABLE)));
  }

  private static String nonEmpty(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }

  /** kiln's own directory, {@code ~/.config/kiln}. */
  public Path kilnConfigDir() {
    return home.resolve(".config").resolve("kiln");
  }

  /** podman's per-user directory, {@code ~/.config/containers}. */
  public Path userContainersDir() {
    return home.resolve(".config").resolve("containers");
  }

  /**
   * The {@code certs.d} directories, in the order they are searched for a registry's directory:
   * kiln's, then podman's per-user, podman's system and Docker's (the order podman and skopeo use
   * for the last three).
   */
  public List<Path> certsDirs() {
    return List.of(
        kilnConfigDir().resolve("certs.d"),
        userContainersDir().resolve("certs.d"),
        etcContainers.resolve("certs.d"),
        etcDocker.resolve("certs.d"));
  }

  /** Docker's daemon settings, {@code /etc/docker/daemon.json}. */
  public Path daemonJson() {
    return etcDocker.resolve("daemon.json");
  }

  /** kiln's own registries.conf, {@code ~/.config/kiln/registries.conf}. */
  public Path kilnRegistriesConf() {
    return kilnConfigDir().resolve("registries.conf");
  }
}
