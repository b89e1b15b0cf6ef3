package dev.kiln.core.build;

import dev.kiln.core.request.RegistryLogin;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialChain;
import dev.kiln.registry.credentials.StaticCredentials;
import dev.kiln.registry.transport.RegistrySecurity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one registry client of a build, created on first use (a build that never touches a registry
 * never starts one) with the request's insecure registries (which may also receive credentials over
 * plain HTTP), and closed with the build.
 */
final class RegistryAccess implements AutoCloseable {
  private final Set<String> insecureRegistries;
  private final Map<String, RegistryLogin> logins;
  private final Map<String, String> environment;
  private RegistryClient client;

  RegistryAccess(
      Set<String> insecureRegistries,
      Map<String, RegistryLogin> logins,
      Map<String, String> environment) {
    this.insecureRegistries = Set.copyOf(insecureRegistries);
    this.logins = Map.copyOf(logins);
    this.environment = Map.copyOf(environment);
  }

  synchronized RegistryClient client() {
    if (client == null) {
      RegistrySecurity defaults = RegistrySecurity.defaults();
      java.util.Set<String> insecure = new java.util.HashSet<>(defaults.insecureRegistries());
      insecure.addAll(insecureRegistries);
      RegistrySecurity security =
          new RegistrySecurity(
              insecure,
              defaults.plainHttpRegistries(),
              defaults.loopbackIsInsecure(),
              defaults.plainHttpCredentialHosts(),
              defaults.certsDir(),
              defaults.extraCaCertificates());
      // Naming a registry insecure is the user's choice to trust the path to it, credentials
      // included (Docker's insecure-registries means the same); the CLI's push/pull agree.
      for (String host : insecureRegistries) {
        security = security.withPlainHttpCredentials(host);
      }
      client =
          RegistryClient.create(
              RegistryClientOptions.defaults().toBuilder()
                  .security(security)
                  .credentials(credentials())
                  .build());
    }
    return client;
  }

  private CredentialChain credentials() {
    Map<String, Credential> explicit = new HashMap<>();
    logins.forEach(
        (registry, login) ->
            explicit.put(
                registry, new Credential.UsernamePassword(login.username(), login.password())));
    String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
    return CredentialChain.standard(
        environment, Path.of(home), new StaticCredentials(explicit, "build request"));
  }

  @Override
  public synchronized void close() throws IOException {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
