package dev.kiln.registry.credentials;

import java.util.Objects;

/**
 * A secret that proves who is asking a registry. {@code toString()} never shows the secret, so a
 * credential can appear in logs and exception messages safely.
 */
public sealed interface Credential
    permits Credential.UsernamePassword, Credential.IdentityToken, Credential.RegistryToken {

  /** Username and password (or a personal access token used as the password). */
  record UsernamePassword(String username, String password) implements Credential {
    public UsernamePassword {
      Objects.requireNonNull(username, "username");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "UsernamePassword[username=" + username + ", password=<redacted>]";
    }
  }

  /**
   * An OAuth2 refresh token from {@code docker login} ({@code identitytoken} in config.json, or a
   * credential helper answering with user {@code <token>}): exchanged at the token server for
   * access tokens.
   */
  record IdentityToken(String token) implements Credential {
    public IdentityToken {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "IdentityToken[<redacted>]";
    }
  }

  /** A bearer token sent to the registry as-is ({@code registrytoken} in config.json). */
  record RegistryToken(String token) implements Credential {
    public RegistryToken {
      Objects.requireNonNull(token, "token");
    }

    @Override
    public String toString() {
      return "RegistryToken[<redacted>]";
    }
  }
}
