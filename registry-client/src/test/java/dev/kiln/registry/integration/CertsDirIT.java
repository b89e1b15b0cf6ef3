package dev.kiln.registry.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.config.ConfigLocations;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ProxySettings;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.RetryPolicy;
import dev.kiln.testdata.net.LocalNames;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Registry CAs and client certificates from every {@code certs.d} directory kiln reads (kiln's,
 * podman's per-user and system ones, Docker's), against TLS registries named with a host name that
 * is not loopback, so that nothing but the certificates makes the connection trusted. The system
 * directories are moved under the test's directory with {@code KILN_ETC_CONTAINERS} and {@code
 * KILN_ETC_DOCKER}, and {@code HOME} with it.
 */
class CertsDirIT {
  static final LocalNames.Alias HOST = LocalNames.loopbackAlias();

  @RegisterExtension
  static LocalRegistry tls = LocalRegistry.tls().withHostName(HOST.name(), HOST.address());

  @RegisterExtension
  static LocalRegistry mutual =
      LocalRegistry.tls().withHostName(HOST.name(), HOST.address()).withClientCertificates();

  @TempDir Path work;

  private Map<String, String> environment() {
    return Map.of(
        "HOME",
        work.resolve("home").toString(),
        ConfigLocations.ETC_CONTAINERS_VARIABLE,
        work.resolve("etc/containers").toString(),
        ConfigLocations.ETC_DOCKER_VARIABLE,
        work.resolve("etc/docker").toString());
  }

  /** The directory for {@code registry} under the certs.d that {@code location} picks. */
  private Path hostDir(Function<ConfigLocations, Path> location, LocalRegistry registry)
      throws IOException {
    Path certsD = location.apply(ConfigLocations.fromEnvironment(environment()));
    return Files.createDirectories(certsD.resolve(registry.hostPort()));
  }

  private static Function<ConfigLocations, Path> location(String name) {
    return switch (name) {
      case "kiln" -> l -> l.kilnConfigDir().resolve("certs.d");
      case "podman-user" -> l -> l.userContainersDir().resolve("certs.d");
      case "podman-system" -> l -> l.etcContainers().resolve("certs.d");
      case "docker" -> l -> l.etcDocker().resolve("certs.d");
      default -> throw new IllegalArgumentException(name);
    };
  }

  private RegistryClient client() {
    RegistrySecurity security =
        RegistrySecurity.defaults()
            .withCertsDirs(ConfigLocations.fromEnvironment(environment()).certsDirs());
    return RegistryClient.create(
        RegistryClientOptions.builder()
            .security(security)
            .proxy(ProxySettings.NONE)
            .retryPolicy(RetryPolicy.none())
            .build());
  }

  private void pushAndPull(LocalRegistry registry, String repo) throws IOException {
    ItImages.Built image =
        ItImages.image(
            List.of(ItImages.randomLayer(50_000, repo.hashCode(), work.resolve(repo + ".layer"))),
            MediaType.OCI_MANIFEST,
            repo);
    ImageReference ref = ImageReference.parse(registry.reference(repo + ":1"));
    try (RegistryClient client = client()) {
      client.pushImage(ref, image.push(), List.of());
      RemoteImage pulled = client.resolveImage(ref, image.config().platform());
      assertEquals(image.config(), pulled.config());
    }
  }

  @Test
  void theRegistryIsNotLoopbackSoWithoutACaItIsRefusedNamingEveryPlace() throws IOException {
    assertFalse(RegistrySecurity.isLoopback(tls.hostPort()));
    try (RegistryClient client = client()) {
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () -> client.head(ImageReference.parse(tls.reference("none:1"))));
      assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
      for (Path dir : ConfigLocations.fromEnvironment(environment()).certsDirs()) {
        assertTrue(
            e.getMessage().contains(dir.resolve(tls.hostPort()).resolve("ca.crt").toString()),
            e.getMessage());
      }
    }
  }

  @ParameterizedTest(name = "CA in {0}")
  @ValueSource(strings = {"kiln", "podman-user", "podman-system", "docker"})
  void theCaIsTrustedFromEachCertsD(String where) throws IOException {
    Files.copy(tls.caCertificate(), hostDir(location(where), tls).resolve("ca.crt"));
    pushAndPull(tls, "ca-" + where);
  }

  @Test
  void theFirstDirectoryFoundForAHostIsTheOnlyOneRead() throws IOException {
    // A directory for the host in podman's user certs.d, without the right CA, hides Docker's.
    Files.createDirectories(hostDir(location("podman-user"), tls));
    Files.copy(tls.caCertificate(), hostDir(location("docker"), tls).resolve("ca.crt"));
    try (RegistryClient client = client()) {
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () -> client.head(ImageReference.parse(tls.reference("none:1"))));
      assertTrue(e.getMessage().contains("not trusted"), e.getMessage());
    }
  }

  @Test
  void aClientCertificateAndKeyBesideTheCaAreShownToTheRegistry() throws IOException {
    Path dir = hostDir(location("docker"), mutual);
    Files.copy(mutual.caCertificate(), dir.resolve("ca.crt"));
    Files.copy(mutual.clientCertificate(), dir.resolve("client.cert"));
    Files.copy(mutual.clientKey(), dir.resolve("client.key"));
    pushAndPull(mutual, "mutual");
  }

  @Test
  void withoutAClientCertificateTheErrorSaysWhereToPutOne() throws IOException {
    Files.copy(
        mutual.caCertificate(), hostDir(location("podman-system"), mutual).resolve("ca.crt"));
    try (RegistryClient client = client()) {
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () -> client.head(ImageReference.parse(mutual.reference("none:1"))));
      assertTrue(e.getMessage().contains("client certificate"), e.getMessage());
      assertTrue(
          e.getMessage()
              .contains(
                  work.resolve("etc/docker/certs.d")
                      .resolve(mutual.hostPort())
                      .resolve("client.cert")
                      .toString()),
          e.getMessage());
    }
  }

  @Test
  void aClientCertificateWithoutItsKeyIsAnErrorNamingTheKey() throws IOException {
    Path dir = hostDir(location("kiln"), mutual);
    Files.copy(mutual.caCertificate(), dir.resolve("ca.crt"));
    Files.copy(mutual.clientCertificate(), dir.resolve("client.cert"));
    try (RegistryClient client = client()) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> client.head(ImageReference.parse(mutual.reference("none:1"))));
      assertTrue(e.getMessage().contains(dir.resolve("client.key").toString()), e.getMessage());
    }
  }
}
