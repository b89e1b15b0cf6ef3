package dev.kiln.registry.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.StaticCredentials;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.AuthenticationException;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistrySecurity;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthAndHttpTest {
  private FakeRegistry registry;
  private TestImages.Recorder recorder;
  private TestImages.Image image;

  @BeforeEach
  void setUp() throws IOException {
    registry = new FakeRegistry();
    recorder = new TestImages.Recorder();
    image = TestImages.image(Platform.linuxAmd64(), 21, 4000);
    for (String repo : List.of("private/app", "public/app")) {
      for (BlobToPush b : image.push().blobs()) {
        try (InputStream in = b.content().open(0)) {
          registry.putBlob(repo, in.readAllBytes());
        }
      }
      registry.putManifest(repo, "v1", image.manifest());
    }
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  private ImageReference ref(String rest) {
    return ImageReference.parse(registry.hostPort() + "/" + rest);
  }

  private RegistryClient withCredentials() {
    return RegistryClient.create(
        TestImages.options(registry, recorder)
            .credentials(TestImages.credentials(registry))
            .build());
  }

  @Test
  void basicAuthSendsTheCredentialsAndSaysWhereTheyCameFrom() throws IOException {
    registry.auth = FakeRegistry.Auth.BASIC;
    try (RegistryClient client = withCredentials()) {
      assertEquals(image.manifest(), client.fetchManifest(ref("private/app:v1")).manifest());
    }
    assertTrue(registry.log.get(1).endsWith("auth=Basic"), registry.log.toString());
    assertEquals(
        List.of(new RegistryEvent.CredentialsUsed(registry.hostPort(), "test credentials")),
        recorder.of(RegistryEvent.CredentialsUsed.class));

    registry.password = "changed";
    try (RegistryClient client = withCredentials()) {
      registry.password = "wonderland-2";
      var e =
          assertThrows(
              AuthenticationException.class, () -> client.fetchManifest(ref("private/app:v1")));
      assertEquals(401, e.status());
      assertTrue(e.getMessage().contains("test credentials"), e.getMessage());
      assertTrue(e.getMessage().contains("UNAUTHORIZED"), e.getMessage());
      assertTrue(
          e.getMessage().contains("pulling manifest " + ref("private/app:v1")), e.getMessage());
    }
  }

  @Test
  void bearerTokensArePerScopeCachedAndRefreshedOnce() throws IOException {
    registry.auth = FakeRegistry.Auth.BEARER;
    try (RegistryClient client = withCredentials()) {
      RemoteImage img = client.resolveImage(ref("private/app:v1"), Platform.linuxAmd64());
      img.config();
      try (InputStream in = img.openBlob(img.layers().get(0))) {
        assertArrayEquals(image.layers().get(0), in.readAllBytes());
      }
      assertEquals(1, registry.tokensIssued.get(), "one pull token for the repository");

      client.pushImage(ref("private/other:v1"), image.push(), List.of());
      assertEquals(2, registry.tokensIssued.get(), "push needs a push token for the other repo");

      registry.revokeTokens();
      assertEquals(image.manifest(), client.fetchManifest(ref("private/app:v1")).manifest());
      assertEquals(3, registry.tokensIssued.get(), "refreshed once after the 401");
    }
    assertTrue(
        registry.log.stream()
            .anyMatch(
                l ->
                    l.startsWith(
                        "GET /token?service=fake&scope=repository%3Aprivate%2Fapp%3Apull")),
        registry.log.toString());
  }

  @Test
  void anonymousBearerWorksForPublicRepositoriesAndExplainsPrivateOnes() throws IOException {
    registry.auth = FakeRegistry.Auth.BEARER;
    try (RegistryClient client =
        RegistryClient.create(TestImages.options(registry, recorder).build())) {
      assertEquals(image.manifest(), client.fetchManifest(ref("public/app:v1")).manifest());
      var e =
          assertThrows(
              AuthenticationException.class, () -> client.fetchManifest(ref("private/app:v1")));
      assertTrue(
          e.getMessage().contains("no credentials were found for " + registry.hostPort()),
          e.getMessage());
      assertTrue(e.getMessage().contains("kiln login"), e.getMessage());
    }
  }

  @Test
  void credentialsAreWithheldFromPlainHttpUnlessAllowed() throws IOException {
    registry.auth = FakeRegistry.Auth.BASIC;
    RegistrySecurity noPlainCredentials =
        new RegistrySecurity(
            Set.of(), Set.of(registry.hostPort()), true, Set.of(), java.util.List.of(), Map.of());
    try (RegistryClient client =
        RegistryClient.create(
            TestImages.options(registry, recorder)
                .credentials(TestImages.credentials(registry))
                .security(noPlainCredentials)
                .build())) {
      var e =
          assertThrows(
              AuthenticationException.class, () -> client.fetchManifest(ref("private/app:v1")));
      assertTrue(e.getMessage().contains("not sent over plain HTTP"), e.getMessage());
      assertTrue(e.getMessage().contains("use HTTPS"), e.getMessage());
      assertThrows(
          AuthenticationException.class, () -> client.fetchManifest(ref("private/other:v1")));
    }
    assertEquals(
        List.of(new RegistryEvent.CredentialsWithheld(registry.hostPort(), "test credentials")),
        recorder.of(RegistryEvent.CredentialsWithheld.class),
        "said once to the listener, however many requests were made");
    assertTrue(registry.log.stream().allMatch(l -> l.endsWith("auth=-")), registry.log.toString());
  }

  @Test
  void serverErrorsAreRetriedWithBackoffAndRetryAfterIsHonoured() throws IOException {
    registry.faults.add(new FakeRegistry.Fault("GET", "/manifests/v1", 503, null));
    registry.faults.add(new FakeRegistry.Fault("GET", "/manifests/v1", 429, "7"));
    registry.faults.add(new FakeRegistry.Fault("GET", "/manifests/v1", 500, null));
    try (RegistryClient client =
        RegistryClient.create(TestImages.options(registry, recorder).build())) {
      assertEquals(image.manifest(), client.fetchManifest(ref("public/app:v1")).manifest());
      assertEquals(3, client.stats().retries());
    }
    // random() = 0.5: 100ms * 2^(n-1) * 0.75; the 429 waits its Retry-After.
    assertEquals(
        List.of(Duration.ofMillis(75), Duration.ofSeconds(7), Duration.ofMillis(300)),
        recorder.sleeps);
    List<RegistryEvent.RequestRetried> retried = recorder.of(RegistryEvent.RequestRetried.class);
    assertEquals(
        List.of("HTTP 503", "HTTP 429", "HTTP 500"),
        retried.stream().map(RegistryEvent.RequestRetried::reason).toList());
  }

  @Test
  void retriesAreBoundedAndTheErrorSaysWhatFailed() throws IOException {
    for (int i = 0; i < 10; i++) {
      registry.faults.add(new FakeRegistry.Fault("GET", "/manifests/v1", 502, null));
    }
    try (RegistryClient client =
        RegistryClient.create(TestImages.options(registry, recorder).build())) {
      var e =
          assertThrows(RegistryException.class, () -> client.fetchManifest(ref("public/app:v1")));
      assertEquals(502, e.status());
      assertTrue(e.retryable());
      assertTrue(e.getMessage().contains("HTTP 502"), e.getMessage());
      assertTrue(e.getMessage().contains("the registry failed"), e.getMessage());
    }
    assertEquals(4, registry.count("GET", "/manifests/v1"), "maxAttempts = 4");
  }

  @Test
  void aLongRetryAfterIsNotWaitedFor() throws IOException {
    registry.faults.add(new FakeRegistry.Fault("GET", "/manifests/v1", 429, "3600"));
    try (RegistryClient client =
        RegistryClient.create(TestImages.options(registry, recorder).build())) {
      var e =
          assertThrows(RegistryException.class, () -> client.fetchManifest(ref("public/app:v1")));
      assertEquals(429, e.status());
      assertTrue(e.getMessage().contains("rate-limiting"), e.getMessage());
    }
    assertTrue(recorder.sleeps.isEmpty());
  }

  @Test
  void redirectsToBlobStorageDoNotCarryTheRegistrysAuthorization() throws IOException {
    registry.auth = FakeRegistry.Auth.BEARER;
    try (FakeRegistry storage = new FakeRegistry()) {
      for (var entry : registry.blobs.entrySet()) {
        entry.getValue().values().forEach(b -> storage.putBlob("x", b));
      }
      registry.blobStorage = storage;
      Descriptor layer = image.manifest().layers().get(0);
      try (RegistryClient client =
              RegistryClient.create(
                  TestImages.options(registry, recorder)
                      .credentials(TestImages.credentials(registry))
                      .security(
                          TestImages.options(registry, recorder)
                              .build()
                              .security()
                              .withPlainHttp(storage.hostPort()))
                      .build());
          InputStream in = client.openBlob(ref("private/app"), layer)) {
        assertArrayEquals(image.layers().get(0), in.readAllBytes());
      }
      assertEquals("-", storage.storageAuthorization.get(layer.digest().toString()));
      assertTrue(
          registry.log.stream()
              .anyMatch(
                  l -> l.startsWith("GET /v2/private/app/blobs/") && l.endsWith("auth=Bearer")),
          registry.log.toString());
    }
  }

  @Test
  void unchangedPushToATokenRegistryTakesThreeRequests() throws IOException {
    registry.auth = FakeRegistry.Auth.BEARER;
    try (RegistryClient client = withCredentials()) {
      client.pushImage(ref("private/app:v1"), image.push(), List.of());
      var before = client.stats();
      // A fresh client: ping, token, HEAD.
      try (RegistryClient fresh = withCredentials()) {
        PushResult r = fresh.pushImage(ref("private/app:v1"), image.push(), List.of());
        assertTrue(r.alreadyPresent());
        assertEquals(3, fresh.stats().requests(), fresh.stats().requestsByMethod().toString());
        assertEquals(0, fresh.stats().blobsUploaded());
      }
      assertEquals(before.requests(), client.stats().requests());
    }
  }

  @Test
  void anIdentityTokenIsExchangedWithAnOAuthPost() throws IOException {
    registry.auth = FakeRegistry.Auth.BEARER;
    var idToken =
        new StaticCredentials(
            Map.of(registry.hostPort(), new Credential.IdentityToken("refresh-me")),
            "idtoken source");
    try (RegistryClient client =
        RegistryClient.create(
            TestImages.options(registry, recorder).credentials(idToken).build())) {
      assertEquals(image.manifest(), client.fetchManifest(ref("private/app:v1")).manifest());
      registry.identityToken = "rotated";
      registry.revokeTokens();
      var e =
          assertThrows(RegistryException.class, () -> client.fetchManifest(ref("private/app:v1")));
      assertTrue(e.getMessage().contains("getting a token"), e.getMessage());
      assertTrue(e.getMessage().contains("idtoken source"), e.getMessage());
    }
    assertTrue(
        registry.log.stream().anyMatch(l -> l.startsWith("POST /token")), registry.log.toString());
  }
}
