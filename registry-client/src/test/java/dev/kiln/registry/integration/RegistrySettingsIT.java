package dev.kiln.registry.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.config.ConfigLocations;
import dev.kiln.registry.config.MachineSettings;
import dev.kiln.registry.config.ShortNameException;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.RetryPolicy;
import dev.kiln.testdata.net.LocalNames;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mirrors, blocked and insecure registries and short names from registries.conf, its drop-ins,
 * Docker's daemon.json and kiln's own registries.conf, against real registries. The files live
 * under the test's directory ({@code HOME}, {@code KILN_ETC_CONTAINERS}, {@code KILN_ETC_DOCKER}).
 *
 * <p>This machine has no route to Docker Hub, so a {@code docker.io} pull that works came from the
 * mirror; the mirror's access log and the client's request events show that nothing else was asked.
 */
class RegistrySettingsIT {
  static final LocalNames.Alias HOST = LocalNames.loopbackAlias();

  /** Holds {@code library/kiln-hub-image:1}, as a Docker Hub mirror would. */
  @RegisterExtension static LocalRegistry mirror = LocalRegistry.plain();

  /** A plain-HTTP registry under a name that is not loopback, so not insecure by default. */
  @RegisterExtension
  static LocalRegistry named = LocalRegistry.plain().withHostName(HOST.name(), HOST.address());

  @TempDir static Path images;
  @TempDir Path work;
  static ItImages.Built image;
  private final ItImages.Recorder recorder = new ItImages.Recorder();

  @BeforeAll
  static void seed() throws IOException {
    image =
        ItImages.image(
            List.of(ItImages.randomLayer(100_000, 18, images.resolve("layer"))),
            MediaType.OCI_MANIFEST,
            "settings");
    try (RegistryClient client =
        RegistryClient.create(
            RegistryClientOptions.builder()
                .security(RegistrySecurity.defaults().withInsecure(named.hostPort()))
                .build())) {
      client.pushImage(
          ImageReference.parse(mirror.reference("library/kiln-hub-image:1")),
          image.push(),
          List.of());
      client.pushImage(
          ImageReference.parse(named.reference("team/app:1")), image.push(), List.of());
    }
  }

  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", work.resolve("home").toString());
    env.put(ConfigLocations.ETC_CONTAINERS_VARIABLE, work.resolve("etc/containers").toString());
    env.put(ConfigLocations.ETC_DOCKER_VARIABLE, work.resolve("etc/docker").toString());
    return env;
  }

  private void write(String relative, String text) throws IOException {
    Path file = work.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private RegistryClient client() throws IOException {
    MachineSettings machine = MachineSettings.read(environment(), RegistrySecurity.defaults());
    return RegistryClient.create(
        RegistryClientOptions.builder()
            .registries(machine.registries())
            .security(machine.security())
            .proxy(machine.proxy())
            .retryPolicy(
                new RetryPolicy(
                    2, Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofSeconds(1)))
            .connectTimeout(Duration.ofSeconds(5))
            .listener(recorder.events::add)
            .build());
  }

  private void pullAll(RegistryClient client, ImageReference ref) throws IOException {
    RemoteImage pulled = client.resolveImage(ref, Platform.linuxAmd64());
    assertEquals(image.config(), pulled.config());
    try (InputStream in = pulled.openBlob(pulled.layers().get(0))) {
      assertEquals(100_000, in.readAllBytes().length);
    }
  }

  private List<String> requestedUrls() {
    return recorder.of(RegistryEvent.RequestCompleted.class).stream()
        .map(RegistryEvent.RequestCompleted::redactedUrl)
        .toList();
  }

  // ---------------------------------------------------------------- mirrors

  @ParameterizedTest(name = "mirror from {0}")
  @ValueSource(strings = {"registries.conf", "drop-in", "daemon.json", "kiln"})
  void dockerHubPullsGoToTheMirrorAndNeverToDockerHub(String file) throws IOException {
    String conf =
        "[[registry]]\nlocation = \"docker.io\"\n[[registry.mirror]]\nlocation = \""
            + mirror.hostPort()
            + "\"\n";
    switch (file) {
      case "registries.conf" -> write("etc/containers/registries.conf", conf);
      case "drop-in" -> write("home/.config/containers/registries.conf.d/mirror.conf", conf);
      case "daemon.json" ->
          write("etc/docker/daemon.json", "{\"registry-mirrors\": [\"" + mirror.baseUri() + "\"]}");
      case "kiln" -> write("home/.config/kiln/registries.conf", conf);
      default -> throw new IllegalArgumentException(file);
    }
    try (RegistryClient client = client()) {
      pullAll(client, ImageReference.parse("docker.io/library/kiln-hub-image:1"));
      // The name stays Docker Hub's; only the bytes came from the mirror.
      assertEquals(
          "docker.io/library/kiln-hub-image:1",
          client
              .resolveImage(ImageReference.parse("kiln-hub-image:1"), Platform.linuxAmd64())
              .reference()
              .toString());
    }
    assertTrue(mirror.log().contains("/v2/library/kiln-hub-image/manifests/1"), mirror.log());
    assertFalse(requestedUrls().isEmpty());
    for (String url : requestedUrls()) {
      assertTrue(url.contains(mirror.hostPort()), url);
      assertFalse(url.contains("docker.io"), url);
    }
  }

  @Test
  void aMirrorWithoutTheImageFallsBackToTheRegistry() throws IOException {
    write(
        "etc/containers/registries.conf",
        "[[registry]]\nlocation = \""
            + named.hostPort()
            + "\"\ninsecure = true\nmirror = [{location = \""
            + mirror.hostPort()
            + "\"}]\n");
    try (RegistryClient client = client()) {
      pullAll(client, ImageReference.parse(named.reference("team/app:1")));
    }
    assertTrue(mirror.log().contains("/v2/team/app/manifests/1"), mirror.log());
    assertTrue(named.log().contains("/v2/team/app/manifests/1"), named.log());
    assertEquals(List.of(), recorder.of(RegistryEvent.MirrorFailed.class));
  }

  @Test
  void aDeadMirrorIsReportedOnceAndSkippedAfterwards() throws IOException {
    write(
        "etc/containers/registries.conf",
        "[[registry]]\nlocation = \""
            + named.hostPort()
            + "\"\ninsecure = true\n[[registry.mirror]]\nlocation = \"127.0.0.1:1\"\n");
    try (RegistryClient client = client()) {
      pullAll(client, ImageReference.parse(named.reference("team/app:1")));
    }
    List<RegistryEvent.MirrorFailed> failed = recorder.of(RegistryEvent.MirrorFailed.class);
    assertEquals(1, failed.size(), failed.toString());
    assertEquals("127.0.0.1:1", failed.get(0).mirror());
    assertTrue(failed.get(0).message().contains("Connection refused"), failed.get(0).message());
  }

  @Test
  void aBlockedRegistryIsRefusedBeforeAnyRequest() throws IOException {
    write(
        "etc/containers/registries.conf.d/block.conf",
        "[[registry]]\nlocation = \"" + named.hostPort() + "\"\nblocked = true\n");
    try (RegistryClient client = client()) {
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () ->
                  client.resolveImage(
                      ImageReference.parse(named.reference("team/app:1")), Platform.linuxAmd64()));
      assertTrue(e.getMessage().contains("blocked"), e.getMessage());
      assertTrue(e.getMessage().contains("block.conf"), e.getMessage());
    }
    assertEquals(List.of(), requestedUrls());
  }

  // ---------------------------------------------------------------- insecure registries

  @Test
  void withoutSettingsANonLoopbackPlainHttpRegistryIsRefused() throws IOException {
    try (RegistryClient client = client()) {
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () -> client.head(ImageReference.parse(named.reference("team/app:1"))));
      assertTrue(e.getMessage().contains("TLS"), e.getMessage());
    }
  }

  @ParameterizedTest(name = "insecure in {0}")
  @ValueSource(strings = {"registries.conf", "drop-in", "daemon.json", "daemon.json cidr", "kiln"})
  void insecureRegistriesFromEachFileAllowPlainHttp(String file) throws IOException {
    String conf = "[[registry]]\nlocation = \"" + named.hostPort() + "\"\ninsecure = true\n";
    switch (file) {
      case "registries.conf" -> write("etc/containers/registries.conf", conf);
      case "drop-in" -> write("etc/containers/registries.conf.d/10-insecure.conf", conf);
      case "daemon.json" ->
          write(
              "etc/docker/daemon.json",
              "{\"insecure-registries\": [\"" + named.hostPort() + "\"]}");
      case "daemon.json cidr" ->
          write(
              "etc/docker/daemon.json",
              "{\"insecure-registries\": [\"" + HOST.address().getHostAddress() + "/32\"]}");
      case "kiln" -> write("home/.config/kiln/registries.conf", conf);
      default -> throw new IllegalArgumentException(file);
    }
    try (RegistryClient client = client()) {
      pullAll(client, ImageReference.parse(named.reference("team/app:1")));
    }
  }

  // ---------------------------------------------------------------- short names

  @Test
  void aShortNameIsPulledFromTheUnqualifiedSearchRegistries() throws IOException {
    write(
        "etc/containers/registries.conf",
        "unqualified-search-registries = [\""
            + mirror.hostPort()
            + "\", \""
            + named.hostPort()
            + "\"]\n[[registry]]\nlocation = \""
            + named.hostPort()
            + "\"\ninsecure = true\n");
    try (RegistryClient client = client()) {
      // Not in the first registry: permissive mode goes on to the second.
      RemoteImage pulled = client.resolveImage("team/app:1", Platform.linuxAmd64());
      assertEquals(named.reference("team/app:1"), pulled.reference().toString());
      assertEquals(image.config(), pulled.config());
    }
    assertTrue(mirror.log().contains("/v2/team/app/manifests/1"), mirror.log());
  }

  @Test
  void enforcingRefusesAnAmbiguousShortNameWithoutARequest() throws IOException {
    write(
        "etc/containers/registries.conf",
        "short-name-mode = \"enforcing\"\nunqualified-search-registries = [\""
            + mirror.hostPort()
            + "\", \""
            + named.hostPort()
            + "\"]\n");
    try (RegistryClient client = client()) {
      ShortNameException e =
          assertThrows(
              ShortNameException.class,
              () -> client.resolveImage("team/app:1", Platform.linuxAmd64()));
      assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
    }
    assertEquals(List.of(), requestedUrls());
  }

  @Test
  void anAliasPicksOneRegistryEvenWhenEnforcing() throws IOException {
    write(
        "etc/containers/registries.conf",
        "short-name-mode = \"enforcing\"\nunqualified-search-registries = [\"quay.io\", \"docker.io\"]\n"
            + "[aliases]\n\"app\" = \""
            + named.hostPort()
            + "/team/app\"\n"
            + "[[registry]]\nlocation = \""
            + named.hostPort()
            + "\"\ninsecure = true\n");
    try (RegistryClient client = client()) {
      assertEquals(
          named.reference("team/app:1"),
          client.resolveImage("app:1", Platform.linuxAmd64()).reference().toString());
    }
  }
}
