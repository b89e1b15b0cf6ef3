package dev.kiln.registry.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a private CA: certs.d loading, refusal of unknown CAs, insecure registries. */
class TlsRegistryIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.tls();

  @TempDir Path work;
  private final ItImages.Recorder recorder = new ItImages.Recorder();

  private ImageReference ref(String repoAndTag) {
    return ImageReference.parse(registry.reference(repoAndTag));
  }

  /** A kiln-style certs.d root: {@code <root>/<host:port>/ca.crt}. */
  private Path certsRoot() throws IOException {
    Path root = work.resolve("certs.d");
    Path dir = Files.createDirectories(root.resolve(registry.hostPort()));
    Files.copy(registry.caCertificate(), dir.resolve("ca.crt"));
    return root;
  }

  private RegistryClient client(RegistrySecurity security) {
    return RegistryClient.create(ItImages.options(registry, recorder).security(security).build());
  }

  @Test
  void trustsTheCaFromCertsDAndSkopeoReadsWhatWasPushed() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "tls");
    RegistrySecurity strict =
        new RegistrySecurity(Set.of(), Set.of(), false, Set.of(), List.of(certsRoot()), Map.of());
    try (RegistryClient client = client(strict)) {
      client.pushImage(ref("tls/app:1"), image.push(), List.of());
      RemoteImage pulled = client.resolveImage(ref("tls/app:1"), image.config().platform());
      assertEquals(image.config(), pulled.config());
    }
    assertEquals(
        image.manifest().raw().asString(), ImageInspector.of(registry).rawManifest("tls/app:1"));
  }

  @Test
  void anUnknownCaIsRefusedWithAnExplanation() {
    RegistrySecurity strict =
        new RegistrySecurity(
            Set.of(), Set.of(), false, Set.of(), List.of(work.resolve("empty/certs.d")), Map.of());
    try (RegistryClient client = client(strict)) {
      var e = assertThrows(RegistryException.class, () -> client.head(ref("tls/app:1")));
      assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
      assertTrue(
          e.getMessage().contains("certs.d/" + registry.hostPort() + "/ca.crt"), e.getMessage());
      assertTrue(!e.retryable());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void caCertificatesCanBeGivenThroughTheApi() throws IOException {
    RegistrySecurity api =
        new RegistrySecurity(
            Set.of(),
            Set.of(),
            false,
            Set.of(),
            List.of(),
            Map.of(registry.hostPort(), RegistrySecurity.readPem(registry.caCertificate())));
    try (RegistryClient client = client(api)) {
      assertTrue(client.head(ref("tls/none:1")).isEmpty());
    }
  }

  @Test
  void insecureRegistriesAcceptAnyCertificate() throws IOException {
    RegistrySecurity named =
        new RegistrySecurity(
            Set.of(registry.hostPort()), Set.of(), false, Set.of(), List.of(), Map.of());
    try (RegistryClient client = client(named)) {
      assertTrue(client.head(ref("tls/none:1")).isEmpty());
    }
    // Loopback counts as insecure by default, as in Docker.
    try (RegistryClient client =
        client(new RegistrySecurity(Set.of(), Set.of(), true, Set.of(), List.of(), Map.of()))) {
      assertTrue(client.head(ref("tls/none:1")).isEmpty());
    }
  }
}
