package dev.kiln.maven;

import dev.kiln.api.request.RegistryLogin;
import dev.kiln.registry.reference.ImageReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Registry credentials from the command line and the environment, as Jib's {@code
 * -Djib.to.auth.username}: {@code -Dkiln.auth.HOST.username=…} and {@code .password} for one
 * registry, and for the registry of {@code image} also {@code -Dkiln.auth.username/password} or the
 * environment variables {@code KILN_AUTH_USERNAME}/{@code KILN_AUTH_PASSWORD} (for CI secrets).
 * They win over {@code settings.xml}, since they are given for this one build.
 */
final class CommandLineLogins {
  private static final String PREFIX = "kiln.auth.";

  private CommandLineLogins() {}

  /**
   * @param image the image's name, or null when the goal has none
   */
  static Map<String, RegistryLogin> from(
      Properties user, Map<String, String> environment, String image) {
    Map<String, RegistryLogin> logins = new LinkedHashMap<>();
    if (image != null) {
      String registry = ImageReference.parse(image).registry();
      String username = user.getProperty(PREFIX + "username");
      String password = user.getProperty(PREFIX + "password");
      String source = "-Dkiln.auth.username/password";
      if (username == null || password == null) {
        username = environment.get("KILN_AUTH_USERNAME");
        password = environment.get("KILN_AUTH_PASSWORD");
        source = "KILN_AUTH_USERNAME/KILN_AUTH_PASSWORD";
      }
      if (username != null && password != null) {
        logins.put(registry, new RegistryLogin(username, password, source));
      }
    }
    for (String key : new TreeSet<>(user.stringPropertyNames())) {
      String rest = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : "";
      if (!rest.endsWith(".username")) {
        continue; // kiln.auth.username itself is for the image's registry, above
      }
      String host = rest.substring(0, rest.length() - ".username".length());
      String password = user.getProperty(PREFIX + host + ".password");
      if (!host.isEmpty() && password != null) {
        logins.put(
            host,
            new RegistryLogin(
                user.getProperty(key), password, "-Dkiln.auth." + host + ".username/password"));
      }
    }
    return logins;
  }
}
