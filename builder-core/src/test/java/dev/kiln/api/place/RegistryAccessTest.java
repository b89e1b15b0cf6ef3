package dev.kiln.api.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.RegistryLogin;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.credentials.FoundCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

  @Test
  void aCredentialHelperLoginAsksThatHelperForItsRegistryOnly() throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path asked = home.resolve("asked");
    // A real executable, run as Docker runs helpers: the server URL on stdin, JSON on stdout.
    Path helper = bin.resolve("docker-credential-kilntest");
    Files.writeString(
        helper,
        "#!/bin/sh\ncat >> "
            + asked
            + "\necho '{\"ServerURL\":\"x\",\"Username\":\"robot\",\"Secret\":\"t0ken\"}'\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    RegistryAccess access =
        new RegistryAccess(
            Set.of(),
            Set.of(),
            CredentialSource.NONE,
            Map.of(
                "registry.example.com:5000",
                RegistryLogin.credentialHelper("kilntest", "<auth> in pom.xml")),
            Map.of("HOME", home.toString(), "PATH", bin.toString()));

    CredentialSource credentials = access.credentials();
    FoundCredential found = credentials.find("registry.example.com:5000", "team/app").orElseThrow();
    assertEquals(found, credentials.find("registry.example.com:5000", "other").orElseThrow());

    assertEquals(new Credential.UsernamePassword("robot", "t0ken"), found.credential());
    assertEquals("docker-credential-kilntest (<auth> in pom.xml)", found.source());
    assertEquals("registry.example.com:5000", Files.readString(asked), "asked once");
    assertEquals(Optional.empty(), access.credentials().find("quay.io", "app"));
  }

  @Test
  void aMissingCredentialHelperFailsNamingWhoAskedForIt() {
    RegistryAccess access =
        new RegistryAccess(
            Set.of(),
            Set.of(),
            CredentialSource.NONE,
            Map.of("ghcr.io", RegistryLogin.credentialHelper("kiln-absent", "<auth> in pom.xml")),
            Map.of("HOME", home.toString(), "PATH", home.toString()));

    IOException e =
        assertThrows(IOException.class, () -> access.credentials().find("ghcr.io", "octo/app"));
    assertTrue(e.getMessage().contains("docker-credential-kiln-absent"), e.getMessage());
    assertTrue(e.getMessage().contains("<auth> in pom.xml"), e.getMessage());
  }
}
