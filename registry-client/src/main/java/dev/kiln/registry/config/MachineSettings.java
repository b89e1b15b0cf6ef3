package dev.kiln.registry.config;

import dev.kiln.registry.transport.ProxySettings;
import dev.kiln.registry.transport.RegistrySecurity;
import java.io.IOException;
import java.util.Map;

/**
 * Everything a registry client takes from the machine it runs on, read once from an environment:
 * proxy variables, {@code certs.d} directories, and registries.conf/daemon.json/kiln's
 * registries.conf (mirrors, blocked and insecure registries, short names). The front ends put it in
 * their client options ({@code registries}, {@code security}, {@code proxy}) so that a build,
 * {@code kiln pull} and the Maven goals see the same settings.
 *
 * @param registries the merged registry files
 * @param security {@code base} with the certs.d directories and the files' insecure registries
 *     (which, like Docker's {@code insecure-registries}, may also receive credentials over plain
 *     HTTP)
 * @param proxy the proxy variables
 */
public record MachineSettings(
    RegistriesConfig registries, RegistrySecurity security, ProxySettings proxy) {

  /**
   * Reads the settings {@code env} points to, on top of {@code base} (the front end's own insecure
   * registries).
   *
   * @throws ConfigFileException for a file kiln cannot use
   * @throws IOException if a file exists but cannot be read
   */
  public static MachineSettings read(Map<String, String> env, RegistrySecurity base)
      throws IOException {
    ConfigLocations where = ConfigLocations.fromEnvironment(env);
    RegistriesConfig registries = RegistriesConfig.load(where);
    RegistrySecurity security = base.withCertsDirs(where.certsDirs());
    for (String host : registries.insecureHosts()) {
      security = security.withInsecure(host).withPlainHttpCredentials(host);
    }
    return new MachineSettings(registries, security, ProxySettings.fromEnvironment(env));
  }
}
