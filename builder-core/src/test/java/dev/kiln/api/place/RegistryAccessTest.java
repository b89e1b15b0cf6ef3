package dev.kiln.api.place;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.request.RegistryLogin;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.credentials.FoundCredential;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryAccessTest {
  @TempDir Path home;

  @Test
  void eachLoginIsNamedByItsOwnSource() throws Exception {
    RegistryAccess access =
        new RegistryAccess(
            Set.of(),
            Set.of(),
            CredentialSource.NONE,
            Map.of(
                "ghcr.io",
                new RegistryLogin("octo", "s3cret", "settings.xml server ghcr.io"),
                "registry.example.com",
                new RegistryLogin("me", "pw")),
            Map.of("HOME", home.toString()));

    assertEquals(
        Optional.of("settings.xml server ghcr.io"),
        access.credentials().find("ghcr.io", "octo/app").map(FoundCredential::source));
    assertEquals(
        Optional.of("build request"),
        access.credentials().find("registry.example.com", "app").map(FoundCredential::source));
    assertEquals(Optional.empty(), access.credentials().find("quay.io", "app"));
  }
}
