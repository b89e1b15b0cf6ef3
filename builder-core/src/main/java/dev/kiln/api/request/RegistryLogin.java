package dev.kiln.api.request;

/**
 * A username and password for one registry, given through the API (the Maven plugin's {@code
 * settings.xml} servers, tests). They are tried before Docker's and podman's credential files.
 */
public record RegistryLogin(String username, String password) {
  @Override
  public String toString() {
    return "RegistryLogin[" + username + ", ***]";
  }
}
