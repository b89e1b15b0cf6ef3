package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.RegistryLogin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.crypto.DefaultSettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.sonatype.plexus.components.sec.dispatcher.DefaultSecDispatcher;

/**
 * settings.xml servers through Maven's real decrypter, with a master password in a
 * settings-security.xml, as {@code mvn --encrypt-master-password} and {@code --encrypt-password}
 * produce them.
 */
class SettingsLoginsTest {
  private static final String MASTER = "master-of-the-test";

  @TempDir Path temp;
  private final DefaultPlexusCipher cipher = new DefaultPlexusCipher();
  private SettingsDecrypter decrypter;

  @BeforeEach
  void masterPassword() throws Exception {
    Path security = temp.resolve("settings-security.xml");
    Files.writeString(
        security,
        "<settingsSecurity><master>"
            + cipher.encryptAndDecorate(MASTER, "settings.security")
            + "</master></settingsSecurity>");
    decrypter =
        new DefaultSettingsDecrypter(
            new DefaultSecDispatcher(cipher, Map.of(), security.toString()));
  }

  @Test
  void encryptedAndPlainPasswordsOfRegistryServersBecomeLogins() throws Exception {
    List<Server> servers =
        List.of(
            server("ghcr.io", "octo", cipher.encryptAndDecorate("s3cret", MASTER)),
            server("127.0.0.1:5000", "kiln", "plain-password"),
            server("localhost", "me", "pw"));

    Map<String, RegistryLogin> logins =
        SettingsLogins.from(servers, decrypter, new RecordingLog(false));

    assertEquals(
        Map.of(
            "ghcr.io", new RegistryLogin("octo", "s3cret", "settings.xml server ghcr.io"),
            "127.0.0.1:5000",
                new RegistryLogin("kiln", "plain-password", "settings.xml server 127.0.0.1:5000"),
            "localhost", new RegistryLogin("me", "pw", "settings.xml server localhost")),
        logins);
  }

  @Test
  void repositoryServersAndServersWithoutPasswordsAreLeftAlone() {
    List<Server> servers =
        List.of(
            server("central", "deployer", "pw"),
            server("nexus-releases", "deployer", "pw"),
            server("registry.example.com", "user", null));

    assertTrue(SettingsLogins.from(servers, decrypter, new RecordingLog(false)).isEmpty());
  }

  @Test
  void aPasswordThatCannotBeDecryptedIsAWarningNotALogin() throws Exception {
    String otherMaster = encryptedUnderAnotherMaster("s3cret");
    RecordingLog log = new RecordingLog(false);

    Map<String, RegistryLogin> logins =
        SettingsLogins.from(
            List.of(
                server("registry.example.com", "user", otherMaster),
                server("ghcr.io", "octo", "pw")),
            decrypter,
            log);

    assertEquals(
        Map.of("ghcr.io", new RegistryLogin("octo", "pw", "settings.xml server ghcr.io")), logins);
    assertEquals(1, log.at("WARN").size(), log.lines.toString());
    String warning = log.at("WARN").get(0);
    assertTrue(warning.startsWith("settings.xml server registry.example.com: "), warning);
    assertFalse(warning.contains("s3cret"), warning);
  }

  @Test
  void registryIdsAreHostsIpsOrLocalhost() {
    assertTrue(SettingsLogins.looksLikeRegistry("docker.io"));
    assertTrue(SettingsLogins.looksLikeRegistry("registry:5000"));
    assertTrue(SettingsLogins.looksLikeRegistry("[::1]:5000"));
    assertTrue(SettingsLogins.looksLikeRegistry("LOCALHOST"));
    assertFalse(SettingsLogins.looksLikeRegistry("github"));
  }

  /**
   * {@code secret} encrypted with another master password, such that this test's master cannot
   * decrypt it. With a random salt, about one such ciphertext in 256 still decrypts (to garbage,
   * with a valid padding by chance), which made the test fail now and then.
   */
  private String encryptedUnderAnotherMaster(String secret) throws Exception {
    while (true) {
      String encrypted = cipher.encryptAndDecorate(secret, "another-master");
      try {
        cipher.decryptDecorated(encrypted, MASTER);
      } catch (org.sonatype.plexus.components.cipher.PlexusCipherException e) {
        return encrypted;
      }
    }
  }

  private static Server server(String id, String user, String password) {
    Server server = new Server();
    server.setId(id);
    server.setUsername(user);
    server.setPassword(password);
    return server;
  }
}
