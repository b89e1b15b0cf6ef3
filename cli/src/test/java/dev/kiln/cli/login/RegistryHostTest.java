package dev.kiln.cli.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.credentials.AuthFileCredentials;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialHelper;
import dev.kiln.registry.reference.ImageReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What {@code kiln login ARG} stores must be what a pull from the same registry looks up: both read
 * keys through registry-client's {@code RegistryKeys}, and this checks the round trip.
 */
class RegistryHostTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "login {0} -> {1} under {2}")
  @CsvSource({
    "docker.io, docker.io, https://index.docker.io/v1/",
    "index.docker.io, docker.io, https://index.docker.io/v1/",
    "https://index.docker.io/v1/, docker.io, https://index.docker.io/v1/",
    "registry-1.docker.io, docker.io, https://index.docker.io/v1/",
    "ghcr.io, ghcr.io, ghcr.io",
    "https://GHCR.io/v2/, ghcr.io, ghcr.io",
    "localhost:5000, localhost:5000, localhost:5000",
    "http://localhost:5000/v2/, localhost:5000, localhost:5000",
  })
  void aLoginIsStoredUnderTheKeyAPullLooksUp(String argument, String name, String key)
      throws Exception {
    RegistryHost host = RegistryHost.parse(argument);
    assertEquals(name, host.name());
    assertEquals(key, host.configKey());
    assertTrue(host.matchesKey(key));

    Path config = dir.resolve("config.json");
    new DockerConfigFile(config).storeAuth(host, "me", "secret");
    String registry = ImageReference.parse(name + "/team/app:1").registry();
    Credential found =
        AuthFileCredentials.dockerConfig(
                config, helper -> new CredentialHelper(helper, List.of(), Duration.ofSeconds(5)))
            .find(registry, "team/app")
            .orElseThrow(
                () -> new AssertionError("no credential for " + registry + " in " + read(config)))
            .credential();
    assertEquals(new Credential.UsernamePassword("me", "secret"), found);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
