package dev.kiln.cli;

import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.config.ConfigLocations;
import dev.kiln.registry.credentials.CredentialChain;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.transport.ProxySettings;
import dev.kiln.registry.transport.RegistrySecurity;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The registry flags every command that talks to a registry shares ({@code push}, {@code pull},
 * {@code inspect}, {@code tag}, {@code login}), and the client they configure: credentials from
 * Docker's and podman's files in kiln's environment, HTTPS with the system's CAs plus the {@code
 * certs.d} directories of {@link ConfigLocations}, through the proxy {@code HTTPS_PROXY}/{@code
 * HTTP_PROXY}/{@code NO_PROXY} name.
 */
public final class RegistryOptions {
  @Option(
      names = "--insecure-registry",
      paramLabel = "HOST[:PORT]",
      description =
          "Allow plain HTTP / unverified TLS for this registry, and credentials over plain HTTP;"
              + " repeatable (default: only localhost, without credentials).")
  List<String> insecureRegistries = new ArrayList<>();

  /**
   * Loopback registries may be spoken to over HTTP; hosts the user names are insecure too and,
   * because naming them is an explicit choice (Docker's {@code insecure-registries} means the
   * same), may receive credentials over plain HTTP.
   */
  public RegistrySecurity security(CliEnvironment cli) {
    RegistrySecurity security =
        RegistrySecurity.defaults()
            .withCertsDirs(ConfigLocations.fromEnvironment(cli.env()).certsDirs());
    List<String> insecure = new ArrayList<>(security.insecureRegistries());
    insecure.addAll(insecureRegistries);
    security =
        new RegistrySecurity(
            java.util.Set.copyOf(insecure),
            security.plainHttpRegistries(),
            security.loopbackIsInsecure(),
            security.plainHttpCredentialHosts(),
            security.certsDirs(),
            security.extraCaCertificates());
    for (String host : insecureRegistries) {
      security = security.withPlainHttpCredentials(host);
    }
    return security;
  }

  /** The proxy variables of kiln's environment, applied as docker and skopeo apply them. */
  public ProxySettings proxy(CliEnvironment cli) {
    return ProxySettings.fromEnvironment(cli.env());
  }

  /** The standard credential chain for kiln's environment (explicit: none). */
  public CredentialChain credentials(CliEnvironment cli) {
    return CredentialChain.standard(cli.env(), cli.home(), CredentialSource.NONE);
  }

  /** A client reporting to {@code listener}; close it when done. */
  public RegistryClient client(CliEnvironment cli, Consumer<RegistryEvent> listener) {
    return RegistryClient.create(
        RegistryClientOptions.builder()
            .security(security(cli))
            .proxy(proxy(cli))
            .credentials(credentials(cli))
            .listener(listener)
            .build());
  }
}
