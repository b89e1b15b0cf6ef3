package dev.kiln.registry.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.event.RegistryEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialsTest {
  @TempDir Path tmp;

  private Path bin() throws IOException {
    return Files.createDirectories(tmp.resolve("bin"));
  }

  private Function<String, CredentialHelper> helpers() throws IOException {
    Path bin = bin();
    return name -> new CredentialHelper(name, List.of(bin), Duration.ofSeconds(20));
  }

  /** A real executable helper script that records its stdin and prints {@code answer}. */
  private void helper(String name, String answer, int exitCode) throws IOException {
    Path script = bin().resolve("docker-credential-" + name);
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "[ \"$1\" = get ] || exit 3\n"
            + "cat > \""
            + tmp.resolve(name + ".stdin")
            + "\"\n"
            + "printf '%s' '"
            + answer
            + "'\n"
            + "echo 'helper stderr line' >&2\n"
            + "exit "
            + exitCode
            + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Path write(String name, String json) throws IOException {
    Path file = tmp.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, json);
    return file;
  }

  private static String basic(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void authsEntryWithAuthFieldAndDockerHubAliases() throws IOException {
    Path config =
        write(
            "config.json",
            "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
                + basic("hubuser", "s3cret:with:colons")
                + "\"},\"localhost:5000\":{\"username\":\"u\",\"password\":\"p\"}}}");
    var source = AuthFileCredentials.dockerConfig(config, helpers());
    for (String hub : List.of("docker.io", "index.docker.io", "registry-1.docker.io")) {
      FoundCredential found = source.find(hub, "library/busybox").orElseThrow();
      assertEquals(
          new Credential.UsernamePassword("hubuser", "s3cret:with:colons"), found.credential());
      assertTrue(found.source().contains(config.toString()), found.source());
      assertTrue(found.source().contains("https://index.docker.io/v1/"), found.source());
      assertFalse(found.toString().contains("s3cret"), found.toString());
    }
    assertEquals(
        new Credential.UsernamePassword("u", "p"),
        source.find("localhost:5000", "x").orElseThrow().credential());
    assertTrue(source.find("ghcr.io", "x").isEmpty());
  }

  @Test
  void identityAndRegistryTokens() throws IOException {
    Path config =
        write(
            "config.json",
            "{\"auths\":{\"a.example\":{\"auth\":\""
                + basic("u", "p")
                + "\",\"identitytoken\":\"refresh\"},\"b.example\":{\"registrytoken\":\"bearer\"}}}");
    var source = AuthFileCredentials.dockerConfig(config, helpers());
    assertEquals(
        new Credential.IdentityToken("refresh"),
        source.find("a.example", null).orElseThrow().credential());
    assertEquals(
        new Credential.RegistryToken("bearer"),
        source.find("b.example", null).orElseThrow().credential());
  }

  @Test
  void perRegistryHelperComesFirstAndGetsTheServerUrlOnStdin() throws IOException {
    helper("hub", "{\"ServerURL\":\"x\",\"Username\":\"helper-user\",\"Secret\":\"hs\"}", 0);
    helper("store", "{\"Username\":\"<token>\",\"Secret\":\"idtok\"}", 0);
    Path config =
        write(
            "config.json",
            "{\"credHelpers\":{\"docker.io\":\"hub\"},\"credsStore\":\"store\","
                + "\"auths\":{\"docker.io\":{\"auth\":\""
                + basic("file", "f")
                + "\"},\"ghcr.io\":{}}}");
    var source = AuthFileCredentials.dockerConfig(config, helpers());
    FoundCredential hub = source.find("docker.io", "library/x").orElseThrow();
    assertEquals(new Credential.UsernamePassword("helper-user", "hs"), hub.credential());
    assertTrue(hub.source().contains("docker-credential-hub"), hub.source());
    assertEquals("https://index.docker.io/v1/", Files.readString(tmp.resolve("hub.stdin")));

    FoundCredential ghcr = source.find("ghcr.io", "o/r").orElseThrow();
    assertEquals(new Credential.IdentityToken("idtok"), ghcr.credential());
    assertTrue(ghcr.source().contains("credsStore"), ghcr.source());
    assertEquals("ghcr.io", Files.readString(tmp.resolve("store.stdin")));
  }

  @Test
  void helperWithoutTheCredentialFallsBackToAuths() throws IOException {
    helper("store", "credentials not found in native keychain", 1);
    Path config =
        write(
            "config.json",
            "{\"credsStore\":\"store\",\"auths\":{\"r.example\":{\"auth\":\""
                + basic("u", "p")
                + "\"}}}");
    var found =
        AuthFileCredentials.dockerConfig(config, helpers()).find("r.example", null).orElseThrow();
    assertEquals(new Credential.UsernamePassword("u", "p"), found.credential());
    assertTrue(found.source().contains("auths"), found.source());
  }

  @Test
  void missingHelperIsSkippedButAFailingHelperIsAnError() throws IOException {
    Path missing =
        write(
            "missing/config.json",
            "{\"credsStore\":\"desktop\",\"auths\":{\"r.example\":{\"auth\":\""
                + basic("u", "p")
                + "\"}}}");
    List<RegistryEvent> events = new ArrayList<>();
    assertEquals(
        new Credential.UsernamePassword("u", "p"),
        new CredentialChain(List.of(AuthFileCredentials.dockerConfig(missing, helpers())))
            .find("r.example", null, events::add)
            .orElseThrow()
            .credential());
    // Said to the caller's listener (never logged): the front end decides how to show it.
    assertEquals(
        List.of(
            new RegistryEvent.CredentialHelperMissing(
                "docker-credential-desktop", "docker config " + missing + " (credsStore)")),
        events);
    assertEquals(
        "docker-credential-desktop named in docker config "
            + missing
            + " (credsStore) is not installed; ignoring it",
        ((RegistryEvent.Notice) events.get(0)).message());

    helper("broken", "{\"Secret\":\"leak-me-not\"}", 2);
    Path broken = write("broken/config.json", "{\"credHelpers\":{\"r.example\":\"broken\"}}");
    var e =
        assertThrows(
            IOException.class,
            () -> AuthFileCredentials.dockerConfig(broken, helpers()).find("r.example", null));
    assertTrue(e.getMessage().contains("docker-credential-broken"), e.getMessage());
    assertTrue(e.getMessage().contains("exit status 2"), e.getMessage());
    assertTrue(e.getMessage().contains("helper stderr line"), e.getMessage());
    assertFalse(e.getMessage().contains("leak-me-not"), e.getMessage());
  }

  @Test
  void containersAuthFileMostSpecificNamespaceWins() throws IOException {
    Path auth =
        write(
            "auth.json",
            "{\"auths\":{"
                + "\"quay.io\":{\"auth\":\""
                + basic("any", "1")
                + "\"},"
                + "\"quay.io/org\":{\"auth\":\""
                + basic("org", "2")
                + "\"},"
                + "\"quay.io/org/special\":{\"auth\":\""
                + basic("special", "3")
                + "\"}}}");
    var source = AuthFileCredentials.containersAuth(auth, helpers());
    assertEquals("special", user(source.find("quay.io", "org/special")));
    assertEquals("special", user(source.find("quay.io", "org/special/sub")));
    assertEquals("org", user(source.find("quay.io", "org/other")));
    assertEquals("org", user(source.find("quay.io", "org/specialist")));
    assertEquals("any", user(source.find("quay.io", "elsewhere/x")));
  }

  private static String user(Optional<FoundCredential> found) {
    return ((Credential.UsernamePassword) found.orElseThrow().credential()).username();
  }

  @Test
  void malformedFileIsAnErrorNamingTheFile() throws IOException {
    Path config = write("config.json", "{\"auths\":");
    var e =
        assertThrows(
            IOException.class,
            () -> AuthFileCredentials.dockerConfig(config, helpers()).find("x.io", null));
    assertTrue(e.getMessage().contains(config.toString()), e.getMessage());
    assertTrue(
        AuthFileCredentials.dockerConfig(tmp.resolve("absent.json"), helpers())
            .find("x.io", null)
            .isEmpty());
  }

  @Test
  void standardChainOrderExplicitThenDockerThenContainers() throws IOException {
    Path dockerDir = tmp.resolve("dockercfg");
    write(
        "dockercfg/config.json",
        "{\"auths\":{\"both.example\":{\"auth\":\"" + basic("docker", "d") + "\"}}}");
    Path authFile =
        write(
            "podman/auth.json",
            "{\"auths\":{\"both.example\":{\"auth\":\""
                + basic("podman", "p")
                + "\"},\"podman.example\":{\"auth\":\""
                + basic("podman", "p")
                + "\"}}}");
    Map<String, String> env =
        Map.of(
            "DOCKER_CONFIG", dockerDir.toString(),
            "REGISTRY_AUTH_FILE", authFile.toString(),
            "PATH", bin().toString());
    var explicit =
        new StaticCredentials(
            Map.of("explicit.example", new Credential.UsernamePassword("cli", "c")), "--creds");
    CredentialChain chain = CredentialChain.standard(env, tmp.resolve("home"), explicit);

    assertEquals("docker", user(chain.find("both.example", "r")));
    assertEquals("podman", user(chain.find("podman.example", "r")));
    assertEquals("cli", user(chain.find("explicit.example", "r")));
    assertEquals("--creds", chain.find("explicit.example", "r").orElseThrow().source());
    assertTrue(chain.find("nobody.example", "r").isEmpty());

    var overriding =
        CredentialChain.standard(
            env,
            tmp.resolve("home"),
            new StaticCredentials(
                Map.of("both.example", new Credential.UsernamePassword("cli", "c")), "--creds"));
    assertEquals("cli", user(overriding.find("both.example", "r")));
  }

  @Test
  void xdgRuntimeDirAuthFileWhenNoRegistryAuthFile() throws IOException {
    write(
        "run/containers/auth.json",
        "{\"auths\":{\"xdg.example\":{\"auth\":\"" + basic("xdg", "x") + "\"}}}");
    write(
        "home/.docker/config.json",
        "{\"auths\":{\"home.example\":{\"auth\":\"" + basic("home", "h") + "\"}}}");
    CredentialChain chain =
        CredentialChain.standard(
            Map.of("XDG_RUNTIME_DIR", tmp.resolve("run").toString()),
            tmp.resolve("home"),
            CredentialSource.NONE);
    assertEquals("xdg", user(chain.find("xdg.example", null)));
    assertEquals("home", user(chain.find("home.example", null)));
  }
}
