package dev.kiln.api.place;

import dev.kiln.api.request.RegistryLogin;
import dev.kiln.api.request.RequestException;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.config.ConfigFileException;
import dev.kiln.registry.config.MachineSettings;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialChain;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.credentials.FoundCredential;
import dev.kiln.registry.credentials.StaticCredentials;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.transport.RegistrySecurity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one registry client of a build, created on first use (a build that never touches a registry
 * never starts one) with the request's insecure registries, hosts that may receive credentials over
 * plain HTTP, and credentials: explicit ones first (an API caller's {@code CredentialSource}, then
 * per-registry logins), then Docker's and podman's files found through the request's environment,
 * whose proxy variables, {@code certs.d} directories and registry files (mirrors, insecure and
 * blocked registries, short names: {@link MachineSettings}) it follows too. Closed with the build.
 */
public final class RegistryAccess implements AutoCloseable {
  private final Set<String> insecureRegistries;
  private final Set<String> plainHttpCredentialHosts;
  private final CredentialSource explicit;
  private final Map<String, RegistryLogin> logins;
  private final Map<String, String> environment;
  private final Consumer<RegistryEvent> events;
  private RegistryClient client;

  /**
   * Public so that pushing an image already on disk (the Maven plugin's {@code kiln:push}) finds
   * credentials and treats insecure registries exactly as a build does.
   *
   * @param insecureRegistries registries reached over plain HTTP or unverified TLS (on top of
   *     loopback)
   * @param plainHttpCredentialHosts registries that may receive credentials over plain HTTP
   * @param explicit credentials asked first ({@link CredentialSource#NONE} for none)
   * @param logins per-registry credentials, asked next
   * @param environment where {@code HOME}, {@code DOCKER_CONFIG} and the like are looked up
   */
  public RegistryAccess(
      Set<String> insecureRegistries,
      Set<String> plainHttpCredentialHosts,
      CredentialSource explicit,
      Map<String, RegistryLogin> logins,
      Map<String, String> environment) {
    this(insecureRegistries, plainHttpCredentialHosts, explicit, logins, environment, e -> {});
  }

  /** As above; the client also reports its transfers to {@code events}. */
  public RegistryAccess(
      Set<String> insecureRegistries,
      Set<String> plainHttpCredentialHosts,
      CredentialSource explicit,
      Map<String, RegistryLogin> logins,
      Map<String, String> environment,
      Consumer<RegistryEvent> events) {
    this.events = events;
    this.insecureRegistries = Set.copyOf(insecureRegistries);
    this.plainHttpCredentialHosts = Set.copyOf(plainHttpCredentialHosts);
    this.explicit = explicit;
    this.logins = Map.copyOf(logins);
    this.environment = Map.copyOf(environment);
  }

  /**
   * The client, created on the first call.
   *
   * @throws RequestException if a registry settings file (registries.conf, daemon.json) cannot be
   *     used
   */
  public synchronized RegistryClient client() {
    if (client == null) {
      RegistrySecurity security = RegistrySecurity.defaults();
      for (String host : insecureRegistries) {
        security = security.withInsecure(host);
      }
      for (String host : plainHttpCredentialHosts) {
        security = security.withPlainHttpCredentials(host);
      }
      MachineSettings machine = machineSettings(environment, security);
      client =
          RegistryClient.create(
              RegistryClientOptions.defaults().toBuilder()
                  .registries(machine.registries())
                  .security(machine.security())
                  .proxy(machine.proxy())
                  .credentials(credentials())
                  .listener(events)
                  .build());
    }
    return client;
  }

  /**
   * The machine's registry settings for {@code environment}, a file kiln cannot use reported as a
   * request error naming it.
   */
  public static MachineSettings machineSettings(
      Map<String, String> environment, RegistrySecurity base) {
    try {
      return MachineSettings.read(environment, base);
    } catch (ConfigFileException e) {
      throw new RequestException(e.getMessage(), e.hint());
    } catch (IOException e) {
      throw new RequestException(
          "cannot read the registry settings: " + e.getMessage(),
          "check the permissions of the file, or move it aside");
    }
  }

  /** The credentials asked in order; package-private for tests. */
  CredentialChain credentials() {
    // One source per login, so that logs and errors name where each came from (a settings.xml
    // server, a Gradle property), not just "the build request".
    List<StaticCredentials> perLogin = new ArrayList<>();
    logins.forEach(
        (registry, login) ->
            perLogin.add(
                new StaticCredentials(
                    Map.of(
                        registry,
                        new Credential.UsernamePassword(login.username(), login.password())),
                    login.source())));
    CredentialSource fromLogins =
        (registry, repository) ->
            perLogin.stream()
                .map(source -> source.find(registry, repository))
                .flatMap(Optional::stream)
                .findFirst();
    CredentialSource first =
        (registry, repository) -> {
          Optional<FoundCredential> found = explicit.find(registry, repository);
          return found.isPresent() ? found : fromLogins.find(registry, repository);
        };
    String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
    return CredentialChain.standard(environment, Path.of(home), first);
  }

  @Override
  public synchronized void close() throws IOException {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
