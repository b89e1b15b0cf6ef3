package dev.kiln.testdata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UmociLayouts;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class TlsRegistryIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.tls();

  @Test
  void servesHttpsTrustedThroughTheTestCa() throws Exception {
    assertEquals("https", registry.baseUri().getScheme());
    assertTrue(
        Files.readString(registry.caCertificate()).startsWith("-----BEGIN CERTIFICATE-----"));
    var client =
        new RegistryProbe(HttpClient.newBuilder().sslContext(registry.sslContext()).build());
    var response = client.send("GET", URI.create(registry.baseUri() + "/v2/"), Optional.empty());
    assertEquals(200, response.statusCode());
  }

  @Test
  void aClientWithoutTheCaRejectsTheCertificate() {
    assertThrows(
        SSLHandshakeException.class,
        () ->
            RegistryProbe.plain()
                .send("GET", URI.create(registry.baseUri() + "/v2/"), Optional.empty()));
  }

  @Test
  void skopeoWorksWithTheCertsDirAndFailsWithout(@TempDir Path temp) {
    Path layout = UmociLayouts.busybox(temp.resolve("layout"), "latest");
    ImageInspector.of(registry).push(layout, "latest", "tls/busybox:1");
    assertTrue(ImageInspector.of(registry).rawManifest("tls/busybox:1").contains("\"layers\""));

    var untrusted =
        ProcessRunner.run(
            List.of(
                "skopeo", "inspect", "--raw", "docker://" + registry.reference("tls/busybox:1")));
    assertNotEquals(0, untrusted.exitCode());
    assertTrue(untrusted.stderr().contains("certificate"), untrusted.stderr());
  }
}
