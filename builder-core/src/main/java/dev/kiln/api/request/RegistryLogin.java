package dev.kiln.api.request;

/**
 * A username and password for one registry, given through the API (the Maven plugin's {@code
 * settings.xml} servers, the Gradle plugin's properties, tests). They are tried before Docker's and
 * podman's credential files.
 *
 * @param source how logs and errors name where the credentials came from, e.g. {@code settings.xml
 *     server ghcr.io}; never the secret
 */
public record RegistryLogin(String username, String password, String source) {
  /** Credentials whose origin is only "the build request". */
  public RegistryLogin(String username, String password) {
    this(username, password, "build request");
  }

  public RegistryLogin {
    java.util.Objects.requireNonNull(source, "source");
  }

  @Override
  public String toString() {
    return "RegistryLogin[" + username + ", ***, " + source + "]";
  }
}
