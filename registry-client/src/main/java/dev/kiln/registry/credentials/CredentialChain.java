package dev.kiln.registry.credentials;

import dev.kiln.registry.event.RegistryEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Asks several {@link CredentialSource}s in order; the first that has a credential wins. Which
 * source answered (never the secret) is in the {@link FoundCredential}, which the client reports as
 * a {@code CredentialsUsed} event, so "why is it using that account" has an answer.
 */
public final class CredentialChain implements CredentialSource {
  private final List<CredentialSource> sources;

  public CredentialChain(List<CredentialSource> sources) {
    this.sources = List.copyOf(sources);
  }

  /**
   * kiln's standard order:
   *
   * <ol>
   *   <li>{@code explicit}: credentials given on the command line or through the API, because a
   *       person who passes them means them;
   *   <li>Docker: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json} (with its
   *       {@code credHelpers}, {@code credsStore} and {@code auths});
   *   <li>podman/buildah/skopeo: {@code $REGISTRY_AUTH_FILE}, else {@code
   *       $XDG_RUNTIME_DIR/containers/auth.json}, then {@code ~/.config/containers/auth.json}.
   * </ol>
   *
   * @param env the environment (injected so tests need not change the real one)
   * @param home the user's home directory
   * @param explicit credentials given explicitly, or {@link CredentialSource#NONE}
   */
  public static CredentialChain standard(
      Map<String, String> env, Path home, CredentialSource explicit) {
    List<Path> path = new ArrayList<>();
    String pathVar = env.getOrDefault("PATH", "");
    Arrays.stream(pathVar.split(java.io.File.pathSeparator))
        .filter(s -> !s.isEmpty())
        .map(Path::of)
        .forEach(path::add);
    Function<String, CredentialHelper> helpers =
        name -> new CredentialHelper(name, path, Duration.ofMinutes(1));

    List<CredentialSource> sources = new ArrayList<>();
    sources.add(explicit);
    String dockerConfig = env.get("DOCKER_CONFIG");
    Path dockerDir =
        dockerConfig != null && !dockerConfig.isEmpty()
            ? Path.of(dockerConfig)
            : home.resolve(".docker");
    sources.add(AuthFileCredentials.dockerConfig(dockerDir.resolve("config.json"), helpers));
    String authFile = env.get("REGISTRY_AUTH_FILE");
    if (authFile != null && !authFile.isEmpty()) {
      sources.add(AuthFileCredentials.containersAuth(Path.of(authFile), helpers));
    } else {
      String runtimeDir = env.get("XDG_RUNTIME_DIR");
      if (runtimeDir != null && !runtimeDir.isEmpty()) {
        sources.add(
            AuthFileCredentials.containersAuth(
                Path.of(runtimeDir, "containers", "auth.json"), helpers));
      }
      sources.add(
          AuthFileCredentials.containersAuth(
              home.resolve(".config").resolve("containers").resolve("auth.json"), helpers));
    }
    return new CredentialChain(sources);
  }

  /** The standard chain for this process's environment and home directory. */
  public static CredentialChain fromEnvironment(CredentialSource explicit) {
    return standard(System.getenv(), Path.of(System.getProperty("user.home")), explicit);
  }

  public List<CredentialSource> sources() {
    return sources;
  }

  @Override
  public Optional<FoundCredential> find(String registry, String repository) throws IOException {
    return find(registry, repository, event -> {});
  }

  @Override
  public Optional<FoundCredential> find(
      String registry, String repository, Consumer<RegistryEvent> events) throws IOException {
    for (CredentialSource source : sources) {
      Optional<FoundCredential> found = source.find(registry, repository, events);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
