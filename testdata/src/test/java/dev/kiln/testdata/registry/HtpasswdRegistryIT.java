package dev.kiln.testdata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UmociLayouts;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class HtpasswdRegistryIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.htpasswd();

  private URI v2() {
    return URI.create(registry.baseUri() + "/v2/");
  }

  @Test
  void refusesAnonymousClientsWithABasicChallenge() throws Exception {
    var response = RegistryProbe.plain().send("GET", v2(), Optional.empty());
    assertEquals(401, response.statusCode());
    String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
    assertTrue(challenge.startsWith("Basic realm="), challenge);
  }

  @Test
  void refusesAWrongPassword() throws Exception {
    Credentials wrong = new Credentials(registry.credentials().orElseThrow().username(), "wrong");
    var response = RegistryProbe.plain().send("GET", v2(), Optional.of(RegistryProbe.basic(wrong)));
    assertEquals(401, response.statusCode());
  }

  @Test
  void acceptsTheRightPassword() throws Exception {
    var response =
        RegistryProbe.plain().send("GET", v2(), registry.credentials().map(RegistryProbe::basic));
    assertEquals(200, response.statusCode());
  }

  @Test
  void skopeoPushesWithTheCredentialsAndFailsWithoutThem(@TempDir Path temp) {
    Path layout = UmociLayouts.busybox(temp.resolve("layout"), "latest");
    ImageInspector.of(registry).push(layout, "latest", "secure/busybox:1");
    assertTrue(ImageInspector.of(registry).rawManifest("secure/busybox:1").contains("\"layers\""));

    var anonymous =
        ProcessRunner.run(
            List.of(
                "skopeo",
                "inspect",
                "--raw",
                "--tls-verify=false",
                "--no-creds",
                "docker://" + registry.reference("secure/busybox:1")));
    assertNotEquals(0, anonymous.exitCode());
    assertTrue(
        anonymous.stderr().toLowerCase().contains("unauthorized")
            || anonymous.stderr().contains("401"),
        anonymous.stderr());
  }
}
