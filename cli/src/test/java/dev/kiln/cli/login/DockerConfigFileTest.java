package dev.kiln.cli.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigFileTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private JsonNode read(Path file) throws IOException {
    return JSON.readTree(Files.readString(file));
  }

  @Test
  void theFileIsDockerConfigOrHomeDotDocker() {
    assertEquals(
        dir.resolve("conf/config.json"),
        DockerConfigFile.locate(Map.of("DOCKER_CONFIG", dir.resolve("conf").toString()), dir)
            .path());
    assertEquals(dir.resolve(".docker/config.json"), DockerConfigFile.locate(Map.of(), dir).path());
  }

  @Test
  void storingALoginChangesOnlyThatRegistryAndKeepsTheFilePrivate() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(
        file,
        "{\"auths\":{\"ghcr.io\":{\"auth\":\"b3RoZXI6c2VjcmV0\"},"
            + "\"http://localhost:5000\":{\"auth\":\"b2xkOm9sZA==\"}},"
            + "\"proxies\":{\"default\":{\"httpProxy\":\"http://p:3128\"}},\"detachKeys\":\"ctrl-x\"}");
    DockerConfigFile config = new DockerConfigFile(file);
    config.storeAuth(RegistryHost.parse("localhost:5000"), "me", "pa:ss");

    JsonNode root = read(file);
    assertEquals("b3RoZXI6c2VjcmV0", root.path("auths").path("ghcr.io").path("auth").asText());
    assertTrue(
        root.path("auths").path("http://localhost:5000").isMissingNode(), "old key replaced");
    String auth = root.path("auths").path("localhost:5000").path("auth").asText();
    assertEquals("me:pa:ss", new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8));
    assertEquals("http://p:3128", root.path("proxies").path("default").path("httpProxy").asText());
    assertEquals("ctrl-x", root.path("detachKeys").asText());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
  }

  @Test
  void dockerHubIsFiledUnderDockersLegacyKeyWhateverItIsCalled() throws IOException {
    Path file = dir.resolve("config.json");
    DockerConfigFile config = new DockerConfigFile(file);
    config.storeAuth(RegistryHost.parse("docker.io"), "u", "p");
    assertTrue(read(file).path("auths").has("https://index.docker.io/v1/"));
    assertEquals(
        List.of("https://index.docker.io/v1/"),
        config.removeAuth(RegistryHost.parse("registry-1.docker.io")));
    assertFalse(read(file).path("auths").has("https://index.docker.io/v1/"));
  }

  @Test
  void helpersComeFromCredHelpersThenCredsStore() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(
        file, "{\"credsStore\":\"desktop\",\"credHelpers\":{\"123.dkr.ecr.aws\":\"ecr-login\"}}");
    DockerConfigFile config = new DockerConfigFile(file);
    assertEquals(Optional.of("ecr-login"), config.helperFor(RegistryHost.parse("123.dkr.ecr.aws")));
    assertEquals(Optional.of("desktop"), config.helperFor(RegistryHost.parse("ghcr.io")));
    config.markHelperLogin(RegistryHost.parse("ghcr.io"));
    assertEquals("{}", read(file).path("auths").path("ghcr.io").toString());
    assertEquals("desktop", read(file).path("credsStore").asText());
  }

  @Test
  void aLinkedConfigIsUpdatedWhereItLives() throws IOException {
    Path real = dir.resolve("dotfiles/docker.json");
    Files.createDirectories(real.getParent());
    Files.writeString(real, "{}");
    Path link = Files.createDirectories(dir.resolve(".docker")).resolve("config.json");
    Files.createSymbolicLink(link, real);
    new DockerConfigFile(link).storeAuth(RegistryHost.parse("ghcr.io"), "u", "p");
    assertTrue(Files.isSymbolicLink(link), "the link survives");
    assertTrue(read(real).path("auths").has("ghcr.io"));
  }

  @Test
  void aBrokenFileIsReportedNotOverwritten() throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{not json");
    IOException e =
        assertThrows(
            IOException.class,
            () -> new DockerConfigFile(file).storeAuth(RegistryHost.parse("ghcr.io"), "u", "p"));
    assertTrue(e.getMessage().contains(file + " is not valid JSON"), e.getMessage());
    assertEquals("{not json", Files.readString(file));
  }

  @Test
  void logoutOfARegistryThatWasNeverLoggedInChangesNothing() throws IOException {
    Path file = dir.resolve("config.json");
    assertEquals(List.of(), new DockerConfigFile(file).removeAuth(RegistryHost.parse("ghcr.io")));
    assertFalse(Files.exists(file));
  }
}
