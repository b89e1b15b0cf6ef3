package dev.kiln.testdata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UmociLayouts;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TokenRegistryIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.token();

  private final RegistryProbe probe = RegistryProbe.plain();

  private URI uploads(String repository) {
    return URI.create(registry.baseUri() + "/v2/" + repository + "/blobs/uploads/");
  }

  @Test
  void challengesWithTheTokenServersRealm() throws Exception {
    var response = probe.send("GET", URI.create(registry.baseUri() + "/v2/"), Optional.empty());
    assertEquals(401, response.statusCode());
    String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
    assertTrue(challenge.startsWith("Bearer "), challenge);
    assertTrue(challenge.contains("realm=\"" + registry.tokenServer().realm() + "\""), challenge);
    assertTrue(challenge.contains("service=\"kiln-test-registry\""), challenge);
  }

  @Test
  void theTokenServerRejectsABadPassword() throws Exception {
    var bad = new Credentials("kiln", "not-the-password");
    var response = probe.token(registry.tokenServer(), "repository:app:pull", Optional.of(bad));
    assertEquals(401, response.statusCode());
  }

  @Test
  void aTokenForPushLetsTheRegistryStartAnUpload() throws Exception {
    var tokenResponse =
        probe.token(registry.tokenServer(), "repository:app:pull,push", registry.credentials());
    assertEquals(200, tokenResponse.statusCode());
    String token = RegistryProbe.tokenOf(tokenResponse);
    JsonNode access = RegistryProbe.claims(token).path("access").path(0);
    assertEquals("app", access.path("name").asText());
    assertEquals(List.of("pull", "push"), texts(access.path("actions")));

    assertEquals(
        401, probe.send("POST", uploads("app"), Optional.empty()).statusCode(), "without a token");
    assertEquals(
        202,
        probe.send("POST", uploads("app"), Optional.of("Bearer " + token)).statusCode(),
        "with the token");
    assertEquals(
        401,
        probe.send("POST", uploads("other"), Optional.of("Bearer " + token)).statusCode(),
        "the token is scoped to one repository");
  }

  @Test
  void aReadOnlyAccountGetsOnlyPullAndCannotPush() throws Exception {
    var tokenResponse =
        probe.token(
            registry.tokenServer(), "repository:app:pull,push", registry.readOnlyCredentials());
    String token = RegistryProbe.tokenOf(tokenResponse);
    assertEquals(
        List.of("pull"), texts(RegistryProbe.claims(token).path("access").path(0).path("actions")));
    assertEquals(
        401, probe.send("POST", uploads("app"), Optional.of("Bearer " + token)).statusCode());
  }

  @Test
  void anonymousClientsGetATokenWithNoAccess() throws Exception {
    var tokenResponse =
        probe.token(registry.tokenServer(), "repository:app:pull", Optional.empty());
    assertEquals(200, tokenResponse.statusCode());
    assertEquals(
        0, RegistryProbe.claims(RegistryProbe.tokenOf(tokenResponse)).path("access").size());
  }

  @Test
  void skopeoCompletesTheBearerFlowAndTheScopesAreEnforced(@TempDir Path temp) {
    Path layout = UmociLayouts.busybox(temp.resolve("layout"), "latest");
    ImageInspector.of(registry).push(layout, "latest", "team/busybox:1");
    assertTrue(ImageInspector.of(registry).rawManifest("team/busybox:1").contains("\"layers\""));

    Credentials reader = registry.readOnlyCredentials().orElseThrow();
    var pull =
        skopeo("inspect", "--raw", "--creds=" + reader.colonSeparated(), ref("team/busybox:1"));
    assertEquals(0, pull.exitCode(), pull.stderr());

    var push =
        skopeo(
            "copy",
            "--dest-tls-verify=false",
            "--dest-creds=" + reader.colonSeparated(),
            "oci:" + layout + ":latest",
            ref("team/busybox:2"));
    assertNotEquals(0, push.exitCode(), "a read-only account must not push");
    assertTrue(
        registry.tokenServer().requests().stream()
            .anyMatch(r -> r.account().equals(Optional.of("reader"))),
        "skopeo asked the token server on behalf of the reader");
  }

  private ProcessRunner.Result skopeo(String... args) {
    List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
    command.add(args[0]);
    if (args[0].equals("inspect")) {
      command.add("--tls-verify=false");
    }
    command.addAll(List.of(args).subList(1, args.length));
    return ProcessRunner.run(command);
  }

  private String ref(String repositoryAndTag) {
    return "docker://" + registry.reference(repositoryAndTag);
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }
}
