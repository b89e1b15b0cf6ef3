package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.request.RegistryLogin;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class CommandLineLoginsTest {
  private final Properties user = new Properties();

  @Test
  void theImagesRegistryFromPropertiesElseTheEnvironment() {
    Map<String, String> env = Map.of("KILN_AUTH_USERNAME", "ci", "KILN_AUTH_PASSWORD", "token");
    assertEquals(
        Map.of(
            "ghcr.io", new RegistryLogin("ci", "token", "KILN_AUTH_USERNAME/KILN_AUTH_PASSWORD")),
        CommandLineLogins.from(user, env, "ghcr.io/team/app:1"));

    user.setProperty("kiln.auth.username", "me");
    user.setProperty("kiln.auth.password", "pw");
    assertEquals(
        Map.of("docker.io", new RegistryLogin("me", "pw", "-Dkiln.auth.username/password")),
        CommandLineLogins.from(user, env, "app:1"));
    assertEquals(Map.of(), CommandLineLogins.from(user, env, null), "no image, no registry");
  }

  @Test
  void perRegistryPropertiesNeedBothHalves() {
    user.setProperty("kiln.auth.localhost:5000.username", "kiln");
    user.setProperty("kiln.auth.localhost:5000.password", "secret");
    user.setProperty("kiln.auth.quay.io.username", "half");

    assertEquals(
        Map.of(
            "localhost:5000",
            new RegistryLogin("kiln", "secret", "-Dkiln.auth.localhost:5000.username/password")),
        CommandLineLogins.from(user, Map.of(), null));
  }
}
