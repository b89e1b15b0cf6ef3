package dev.kiln.maven;

import dev.kiln.api.request.RegistryLogin;
import dev.kiln.api.request.RequestException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code <registry>} of the {@code <auth>} parameter: the credentials of one registry given in
 * the pom, either a {@code <username>} and {@code <password>} (usually {@code ${env.…}}
 * expressions) or the Docker credential helper that holds them ({@code <credHelper>}, as Jib's).
 * Maven fills the fields by name, so they are plain, mutable and public to it.
 */
public class RegistryAuth {
  /** The registry, {@code host[:port]} as in image references. */
  String host;

  String username;
  String password;

  /** The helper's name, the part after {@code docker-credential-}. */
  String credHelper;

  /**
   * The {@code <auth>} entries as logins by registry, in the order given.
   *
   * @throws RequestException for an entry without a host, or with neither a helper nor a username
   *     and password, or with both
   */
  static Map<String, RegistryLogin> logins(List<RegistryAuth> entries) {
    Map<String, RegistryLogin> logins = new LinkedHashMap<>();
    for (RegistryAuth entry : entries == null ? List.<RegistryAuth>of() : entries) {
      logins.put(entry.host(), entry.login());
    }
    return logins;
  }

  private String host() {
    if (blank(host)) {
      throw new RequestException(
          "an <auth> <registry> has no <host>",
          "name the registry it is for, e.g. <host>ghcr.io</host>");
    }
    return host.trim();
  }

  private RegistryLogin login() {
    String source = "<auth> for " + host.trim() + " in the pom";
    boolean hasPassword = !blank(username) || !blank(password);
    if (!blank(credHelper)) {
      if (hasPassword) {
        throw new RequestException(
            source + " has both <credHelper> and <username>/<password>", "keep one of them");
      }
      return RegistryLogin.credentialHelper(credHelper, source);
    }
    if (blank(username) || password == null) {
      throw new RequestException(
          source + " needs <username> and <password>, or <credHelper>", "add the missing one");
    }
    if (username.contains("${") || password.contains("${")) {
      // Maven leaves an expression it cannot resolve as it is: an unset ${env.VAR}.
      throw new RequestException(
          source + " uses an expression Maven could not resolve (an unset ${env.…} variable?)",
          "set the variable, or pass -Dkiln.auth." + host.trim() + ".username/password");
    }
    return new RegistryLogin(username.trim(), password, source);
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
