package dev.kiln.testdata.registry;

/** A username and password accepted (or deliberately not accepted) by a test registry. */
public record Credentials(String username, String password) {
  /** {@code user:password}, the form skopeo's {@code --creds} takes. */
  public String colonSeparated() {
    return username + ":" + password;
  }

  @Override
  public String toString() {
    // Keep passwords out of test reports even though they are throwaway.
    return "Credentials[" + username + ", ***]";
  }
}
