package dev.kiln.api.request;

import java.util.Objects;
import java.util.Optional;

/**
 * How to log in to one registry, given through the API (the Maven plugin's {@code settings.xml}
 * servers and {@code <auth>} block, the Gradle plugin's properties, tests): a username and
 * password, or the Docker credential helper ({@code docker-credential-NAME}) that holds them, as
 * Jib's {@code credHelper}. They are tried before Docker's and podman's credential files.
 *
 * @param username the user name; empty when {@code credentialHelper} is set
 * @param password the password or token; empty when {@code credentialHelper} is set
 * @param credentialHelper the helper's name, the part after {@code docker-credential-} ({@code
 *     pass}, {@code ecr-login}, {@code gcr}); found on the request environment's {@code PATH}
 * @param source how logs and errors name where the login came from, e.g. {@code settings.xml server
 *     ghcr.io}; never the secret
 */
public record RegistryLogin(
    String username, String password, Optional<String> credentialHelper, String source) {
  /** A username and password from {@code source}. */
  public RegistryLogin(String username, String password, String source) {
    this(username, password, Optional.empty(), source);
  }

  /** Credentials whose origin is only "the build request". */
  public RegistryLogin(String username, String password) {
    this(username, password, "build request");
  }

  public RegistryLogin {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(credentialHelper, "credentialHelper");
    Objects.requireNonNull(source, "source");
    if (credentialHelper.isPresent() && !credentialHelper.get().matches("[A-Za-z0-9._-]+")) {
      throw new RequestException(
          "'" + credentialHelper.get() + "' (" + source + ") is not a credential helper's name",
          "give the part after docker-credential-, e.g. pass or ecr-login");
    }
  }

  /**
   * The login that asks {@code docker-credential-NAME get} for the registry's credentials.
   *
   * @throws RequestException if {@code name} cannot be a helper's name
   */
  public static RegistryLogin credentialHelper(String name, String source) {
    return new RegistryLogin("", "", Optional.of(name.trim()), source);
  }

  @Override
  public String toString() {
    return credentialHelper
        .map(h -> "RegistryLogin[docker-credential-" + h + ", " + source + "]")
        .orElse("RegistryLogin[" + username + ", ***, " + source + "]");
  }
}
