package dev.kiln.maven;

import dev.kiln.api.request.RegistryLogin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Registry credentials from Maven's {@code settings.xml}: each {@code <server>} whose id is a
 * registry host ({@code ghcr.io}, {@code registry.example.com:5000}, {@code localhost:5000}), with
 * its password decrypted by Maven's own {@link SettingsDecrypter} (so {@code mvn
 * --encrypt-password} values and the master password in {@code settings-security.xml} work as they
 * do for deployment). Servers whose id cannot be a host ({@code central}, {@code nexus-releases})
 * are repository credentials and are left alone. The engine tries these before Docker's and
 * podman's credential files.
 */
final class SettingsLogins {
  private SettingsLogins() {}

  static Map<String, RegistryLogin> from(
      List<Server> servers, SettingsDecrypter decrypter, Log log) {
    Map<String, RegistryLogin> logins = new LinkedHashMap<>();
    for (Server server : servers) {
      String id = server.getId();
      if (id == null || !looksLikeRegistry(id)) {
        continue;
      }
      if (server.getUsername() == null || server.getPassword() == null) {
        log.debug("settings.xml server " + id + " has no username and password; not used");
        continue;
      }
      SettingsDecryptionResult result =
          decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
      if (!result.getProblems().isEmpty()) {
        for (SettingsProblem problem : result.getProblems()) {
          log.warn(
              "settings.xml server "
                  + id
                  + ": "
                  + problem.getMessage()
                  + "; its credentials are not used (check settings-security.xml)");
        }
        continue;
      }
      Server decrypted = result.getServer();
      logins.put(
          id,
          new RegistryLogin(
              decrypted.getUsername(), decrypted.getPassword(), "settings.xml server " + id));
    }
    return logins;
  }

  /** A host name with a dot, an IP address, {@code localhost}, or any of them with a port. */
  static boolean looksLikeRegistry(String id) {
    String lower = id.toLowerCase(Locale.ROOT);
    return lower.contains(".") || lower.contains(":") || lower.equals("localhost");
  }
}
