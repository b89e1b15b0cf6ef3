package dev.kiln.registry.credentials;

import dev.kiln.registry.event.RegistryEvent;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One place credentials can come from (a config file, a credential helper, the API). Sources are
 * composed with {@link CredentialChain}; the first that knows the registry wins.
 */
@FunctionalInterface
public interface CredentialSource {

  /**
   * Looks up credentials for a repository.
   *
   * @param registry the registry as written in references ({@code docker.io}, {@code
   *     localhost:5000}); sources match Docker Hub under all its aliases
   * @param repository the repository, for sources that scope credentials below the registry
   *     (podman's auth.json does); may be null
   * @return the credential and a description of where it came from, or empty if this source has
   *     none for the registry
   * @throws IOException if the source exists but cannot be read (a malformed file, a failing
   *     credential helper): better to say so than to fall back to anonymous access silently
   */
  Optional<FoundCredential> find(String registry, String repository) throws IOException;

  /**
   * {@link #find(String, String)}, telling {@code events} on the way what a person should know (a
   * credential helper a config file names but that is not installed). Sources with nothing to
   * report need not override it; sources that contain others pass {@code events} on.
   */
  default Optional<FoundCredential> find(
      String registry, String repository, Consumer<RegistryEvent> events) throws IOException {
    return find(registry, repository);
  }

  /** A source that never has credentials. */
  CredentialSource NONE = (registry, repository) -> Optional.empty();
}
