package dev.kiln.core.build;

import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.transport.RegistrySecurity;
import java.io.IOException;
import java.util.Set;

/**
 * The one registry client of a build, created on first use (a build that never touches a registry
 * never starts one) with the request's insecure registries, and closed with the build.
 */
final class RegistryAccess implements AutoCloseable {
  private final Set<String> insecureRegistries;
  private RegistryClient client;

  RegistryAccess(Set<String> insecureRegistries) {
    this.insecureRegistries = Set.copyOf(insecureRegistries);
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
      client =
          RegistryClient.create(
              RegistryClientOptions.defaults().toBuilder().security(security).build());
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
