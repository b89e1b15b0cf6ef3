package dev.kiln.core.build;

import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.credentials.CredentialChain;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.transport.RegistrySecurity;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The one registry client of a build, created on first use (a build that never touches a registry
 * never starts one) with the request's insecure registries, its explicit credentials (asked before
 * the Docker and podman auth files of the environment) and the registries that may receive them
 * over plain HTTP, and closed with the build.
 */
final class RegistryAccess implements AutoCloseable {
  private final Set<String> insecureRegistries;
  private final CredentialSource credentials;
  private final Set<String> plainHttpCredentialHosts;
  private RegistryClient client;

  RegistryAccess(
      Set<String> insecureRegistries,
      CredentialSource credentials,
      Set<String> plainHttpCredentialHosts) {
    this.insecureRegistries = Set.copyOf(insecureRegistries);
    this.credentials = credentials;
    this.plainHttpCredentialHosts = Set.copyOf(plainHttpCredentialHosts);
  }

  synchronized RegistryClient client() {
    if (client == null) {
      RegistrySecurity defaults = RegistrySecurity.defaults();
      Set<String> insecure = new HashSet<>(defaults.insecureRegistries());
      insecure.addAll(insecureRegistries);
      Set<String> credentialHosts = new HashSet<>(defaults.plainHttpCredentialHosts());
      credentialHosts.addAll(plainHttpCredentialHosts);
      RegistrySecurity security =
          new RegistrySecurity(
              insecure,
              defaults.plainHttpRegistries(),
              defaults.loopbackIsInsecure(),
              credentialHosts,
              defaults.certsDir(),
              defaults.extraCaCertificates());
      client =
          RegistryClient.create(
              RegistryClientOptions.defaults().toBuilder()
                  .security(security)
                  .credentials(CredentialChain.fromEnvironment(credentials))
                  .build());
    }
    return client;
  }

  @Override
  public synchronized void close() throws IOException {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
