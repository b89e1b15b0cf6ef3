package dev.kiln.api.place;

import dev.kiln.api.request.RegistryLogin;
import dev.kiln.api.request.RequestException;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.config.ConfigFileException;
import dev.kiln.registry.config.MachineSettings;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialChain;
import dev.kiln.registry.credentials.CredentialHelper;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.credentials.FoundCredential;
import dev.kiln.registry.credentials.RegistryKeys;
import dev.kiln.registry.credentials.StaticCredentials;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.transport.FileSchemeMemory;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.SchemeMemory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
  private SchemeMemory schemes = SchemeMemory.NONE;
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
   * Remembers in {@code file} which insecure registries (a loopback one, say) speak plain HTTP, so
   * that later processes using the same file skip the HTTPS attempt; before the first {@link
   * #client()} call.
   */
  public synchronized RegistryAccess rememberingPlainHttpIn(Path file) {
    schemes = new FileSchemeMemory(file);
    return this;
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
                  .schemeMemory(schemes)
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
    List<CredentialSource> perLogin = new ArrayList<>();
    logins.forEach((registry, login) -> perLogin.add(source(registry, login)));
    CredentialSource first =
        (registry, repository) -> {
          Optional<FoundCredential> found = explicit.find(registry, repository);
          for (Iterator<CredentialSource> it = perLogin.iterator();
              found.isEmpty() && it.hasNext(); ) {
            found = it.next().find(registry, repository);
          }
          return found;
        };
    return CredentialChain.standard(environment, Path.of(home()), first);
  }

  private String home() {
    return environment.getOrDefault("HOME", System.getProperty("user.home"));
  }

  /**
   * The source that answers for {@code registry} only: its username and password, or what its
   * credential helper says. A helper named for a registry must be there: unlike one a copied Docker
   * config names, it was asked for by this build, so a missing helper fails the pull or push,
   * naming it and the login's source.
   */
  private CredentialSource source(String registry, RegistryLogin login) {
    if (login.credentialHelper().isEmpty()) {
      return new StaticCredentials(
          Map.of(registry, new Credential.UsernamePassword(login.username(), login.password())),
          login.source());
    }
    CredentialHelper helper =
        new CredentialHelper(login.credentialHelper().get(), searchPath(), Duration.ofMinutes(1));
    String name = helper.executableName() + " (" + login.source() + ")";
    // Helpers can be slow (ecr-login asks AWS); one answer per build is enough.
    Map<String, Optional<FoundCredential>> answers = new ConcurrentHashMap<>();
    return (wanted, repository) -> {
      if (!RegistryKeys.sameRegistry(RegistryKeys.host(registry), wanted)) {
        return Optional.empty();
      }
      String serverUrl = RegistryKeys.isDockerHub(wanted) ? RegistryKeys.DOCKER_HUB_SERVER : wanted;
      Optional<FoundCredential> known = answers.get(serverUrl);
      if (known != null) {
        return known;
      }
      try {
        Optional<FoundCredential> found =
            helper.get(serverUrl).map(credential -> new FoundCredential(credential, name));
        answers.put(serverUrl, found);
        return found;
      } catch (IOException e) {
        throw new IOException(e.getMessage() + " (named by " + login.source() + ")", e);
      }
    };
  }

  private List<Path> searchPath() {
    List<Path> path = new ArrayList<>();
    for (String dir : environment.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        path.add(Path.of(dir));
      }
    }
    return path;
  }

  @Override
  public synchronized void close() throws IOException {
    if (client != null) {
      client.close();
      client = null;
    }
  }
}
