package dev.kiln.cli;

import dev.kiln.api.request.RequestException;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.config.ConfigFileException;
import dev.kiln.registry.config.MachineSettings;
import dev.kiln.registry.credentials.CredentialChain;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.transport.ProxySettings;
import dev.kiln.registry.transport.RegistrySecurity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * The registry flags every command that talks to a registry shares ({@code push}, {@code pull},
 * {@code inspect}, {@code tag}, {@code login}), and the client they configure: credentials from
 * Docker's and podman's files in kiln's environment, and the machine's settings ({@link
 * MachineSettings}: proxies, certs.d, registries.conf, daemon.json).
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
   * The machine's registry settings (proxy variables, certs.d, registries.conf, daemon.json, kiln's
   * registries.conf) with this command's {@code --insecure-registry} hosts on top. Loopback
   * registries may be spoken to over HTTP; hosts the user names are insecure too and, because
   * naming them is an explicit choice (Docker's {@code insecure-registries} means the same), may
   * receive credentials over plain HTTP.
   */
  public MachineSettings machine(CliEnvironment cli) {
    RegistrySecurity base = RegistrySecurity.defaults();
    for (String host : insecureRegistries) {
      base = base.withInsecure(host).withPlainHttpCredentials(host);
    }
    try {
      return MachineSettings.read(cli.env(), base);
    } catch (ConfigFileException e) {
      throw new RequestException(e.getMessage(), e.hint());
    } catch (IOException e) {
      throw new RequestException(
          "cannot read the registry settings: " + e.getMessage(),
          "check the permissions of the file, or move it aside");
    }
  }

  /** The TLS and plain-HTTP policy of {@link #machine}. */
  public RegistrySecurity security(CliEnvironment cli) {
    return machine(cli).security();
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
    MachineSettings machine = machine(cli);
    return RegistryClient.create(
        RegistryClientOptions.builder()
            .registries(machine.registries())
            .security(machine.security())
            .proxy(machine.proxy())
            .credentials(credentials(cli))
            .listener(listener)
            .build());
  }
}
