package dev.kiln.registry.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ProxySettings;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.registry.transport.RetryPolicy;
import dev.kiln.testdata.net.ForwardProxy;
import dev.kiln.testdata.net.LocalNames;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} against real registries and a
 * forward proxy on loopback that records what it carries. The registries are reached under a name
 * that is not {@code localhost} (Go, and so kiln, never proxies loopback literals).
 */
class ProxyIT {
  static final LocalNames.Alias HOST = LocalNames.loopbackAlias();

  @RegisterExtension
  static LocalRegistry tls = LocalRegistry.tls().withHostName(HOST.name(), HOST.address());

  @RegisterExtension
  static LocalRegistry plain = LocalRegistry.plain().withHostName(HOST.name(), HOST.address());

  @RegisterExtension static LocalRegistry loopback = LocalRegistry.plain();

  @RegisterExtension static ForwardProxy proxy = ForwardProxy.open();

  @RegisterExtension
  static ForwardProxy guarded = ForwardProxy.requiringCredentials("kiln", "proxy-secret");

  @TempDir Path work;
  private final ItImages.Recorder recorder = new ItImages.Recorder();

  @BeforeEach
  void forget() {
    proxy.clear();
    guarded.clear();
  }

  private RegistryClient client(ProxySettings settings) throws IOException {
    RegistrySecurity security =
        new RegistrySecurity(
            Set.of(plain.hostPort()),
            Set.of(),
            true,
            Set.of(),
            List.of(),
            Map.of(tls.hostPort(), RegistrySecurity.readPem(tls.caCertificate())));
    return RegistryClient.create(
        RegistryClientOptions.builder()
            .security(security)
            .proxy(settings)
            .retryPolicy(
                new RetryPolicy(
                    2,
                    java.time.Duration.ofMillis(50),
                    java.time.Duration.ofMillis(100),
                    java.time.Duration.ofSeconds(2)))
            .listener(recorder.events::add)
            .build());
  }

  private static ProxySettings env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return ProxySettings.fromEnvironment(env);
  }

  private void pushAndPull(RegistryClient client, LocalRegistry registry, String repo)
      throws IOException {
    ItImages.Built image =
        ItImages.image(
            List.of(ItImages.randomLayer(200_000, repo.hashCode(), work.resolve(repo + ".layer"))),
            MediaType.OCI_MANIFEST,
            repo);
    ImageReference ref = ImageReference.parse(registry.reference(repo + ":1"));
    client.pushImage(ref, image.push(), List.of());
    RemoteImage pulled = client.resolveImage(ref, image.config().platform());
    assertEquals(image.config(), pulled.config());
    try (var in = pulled.openBlob(pulled.layers().get(0))) {
      assertEquals(200_000, in.readAllBytes().length);
    }
  }

  @Test
  void httpsRegistryTrafficIsTunnelledThroughHttpsProxy() throws IOException {
    try (RegistryClient client = client(env("HTTPS_PROXY", proxy.url()))) {
      pushAndPull(client, tls, "tunnelled");
    }
    List<ForwardProxy.Request> carried = proxy.requestsTo(tls.hostPort());
    assertFalse(carried.isEmpty(), "nothing went through the proxy: " + proxy.requests());
    assertTrue(carried.stream().allMatch(r -> r.method().equals("CONNECT")), carried.toString());
    assertEquals(carried.size(), proxy.requests().size(), proxy.requests().toString());
    assertTrue(tls.log().contains("/v2/tunnelled/manifests/1"), tls.log());
  }

  @Test
  void plainHttpRegistryTrafficIsForwardedThroughHttpProxy() throws IOException {
    try (RegistryClient client =
        client(env("HTTP_PROXY", proxy.url(), "HTTPS_PROXY", proxy.url()))) {
      pushAndPull(client, plain, "forwarded");
    }
    List<ForwardProxy.Request> forwarded =
        proxy.requestsTo(plain.hostPort()).stream()
            .filter(r -> !r.method().equals("CONNECT"))
            .toList();
    // Uploads and downloads both crossed the proxy as absolute-form requests.
    assertTrue(
        forwarded.stream().anyMatch(r -> r.method().equals("PUT")), proxy.requests().toString());
    assertTrue(
        forwarded.stream()
            .anyMatch(r -> r.method().equals("GET") && r.target().contains("/blobs/sha256:")),
        proxy.requests().toString());
  }

  @Test
  void noProxyNamesGoDirect() throws IOException {
    try (RegistryClient client =
        client(
            env(
                "HTTPS_PROXY", proxy.url(),
                "HTTP_PROXY", proxy.url(),
                "NO_PROXY", "other.example," + HOST.name()))) {
      pushAndPull(client, tls, "direct-tls");
      pushAndPull(client, plain, "direct-plain");
    }
    assertEquals(List.of(), proxy.requests());
    assertTrue(tls.log().contains("/v2/direct-tls/manifests/1"), tls.log());
  }

  @Test
  void loopbackLiteralsAreNeverProxied() throws IOException {
    try (RegistryClient client =
        client(env("HTTPS_PROXY", proxy.url(), "HTTP_PROXY", proxy.url()))) {
      pushAndPull(client, loopback, "loopback");
    }
    assertEquals(List.of(), proxy.requests());
  }

  @Test
  void proxyCredentialsFromTheUrlAreSentWithTheFirstRequest() throws IOException {
    String withCredentials = "http://kiln:proxy-secret@127.0.0.1:" + guarded.port();
    try (RegistryClient client =
        client(env("HTTPS_PROXY", withCredentials, "HTTP_PROXY", withCredentials))) {
      pushAndPull(client, tls, "guarded-tls");
      pushAndPull(client, plain, "guarded-plain");
    }
    assertFalse(guarded.requests().isEmpty());
    // Never challenged: a streamed upload could not have been sent twice.
    assertTrue(
        guarded.requests().stream().allMatch(ForwardProxy.Request::authorized),
        guarded.requests().toString());
  }

  @Test
  void aProxyThatRefusesTheCredentialsIsReportedWithItsStatus() throws IOException {
    String wrong = "http://kiln:wrong@127.0.0.1:" + guarded.port();
    try (RegistryClient client = client(env("HTTPS_PROXY", wrong))) {
      IOException e =
          assertThrows(
              IOException.class,
              () -> client.head(ImageReference.parse(tls.reference("nothing:1"))));
      assertTrue(String.valueOf(e.getMessage()).contains("407"), e.toString());
    }
  }

  @Test
  void anUnusableProxyVariableIsAnErrorNamingIt() throws IOException {
    try (RegistryClient client = client(env("HTTPS_PROXY", "socks5://127.0.0.1:1080"))) {
      RegistryException e =
          assertThrows(
              RegistryException.class,
              () -> client.head(ImageReference.parse(tls.reference("nothing:1"))));
      assertTrue(e.getMessage().contains("HTTPS_PROXY=socks5://127.0.0.1:1080"), e.getMessage());
      assertTrue(e.getMessage().contains("http:// proxies only"), e.getMessage());
      assertFalse(e.retryable());
    }
  }
}
