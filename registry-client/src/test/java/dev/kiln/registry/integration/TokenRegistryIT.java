package dev.kiln.registry.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.credentials.StaticCredentials;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.event.TransferStats;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.AuthenticationException;
import dev.kiln.testdata.registry.Credentials;
import dev.kiln.testdata.registry.LocalRegistry;
import dev.kiln.testdata.registry.TokenServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens from the fixture's token server: scopes, caching, read-only and anonymous access.
 */
class TokenRegistryIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.token();

  @RegisterExtension
  static LocalRegistry publicRegistry = LocalRegistry.token().withAnonymousPull();

  @TempDir Path work;
  private final ItImages.Recorder recorder = new ItImages.Recorder();

  private static ImageReference ref(LocalRegistry r, String repoAndTag) {
    return ImageReference.parse(r.reference(repoAndTag));
  }

  private RegistryClient client(LocalRegistry r, CredentialSource credentials) {
    return RegistryClient.create(ItImages.options(r, recorder).credentials(credentials).build());
  }

  private static CredentialSource creds(LocalRegistry r, Credentials c, String source) {
    return new StaticCredentials(
        Map.of(r.hostPort(), new Credential.UsernamePassword(c.username(), c.password())), source);
  }

  @Test
  void pushAndPullWithScopedTokensFetchedOncePerScope() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "token");
    int before = registry.tokenServer().requests().size();
    try (RegistryClient client = client(registry, ItImages.credentialsOf(registry))) {
      client.pushImage(ref(registry, "tok/app:1"), image.push(), List.of("latest"));
      assertEquals(
          image.config(),
          client.resolveImage(ref(registry, "tok/app:1"), image.config().platform()).config());
    }
    List<TokenServer.TokenRequest> requests =
        registry.tokenServer().requests().subList(before, registry.tokenServer().requests().size());
    assertEquals(2, requests.size(), "one push token, one pull token: " + requests);
    assertEquals(List.of("repository:tok/app:pull,push"), requests.get(0).scopes());
    assertEquals(List.of("repository:tok/app:pull"), requests.get(1).scopes());
    assertEquals("kiln", requests.get(0).account().orElseThrow());

    try (RegistryClient fresh = client(registry, ItImages.credentialsOf(registry))) {
      TransferStats.Snapshot start = fresh.stats();
      PushResult again = fresh.pushImage(ref(registry, "tok/app:1"), image.push(), List.of());
      TransferStats.Snapshot used = fresh.stats().minus(start);
      assertTrue(again.alreadyPresent());
      assertEquals(
          3,
          used.requests(),
          "ping, token, HEAD: "
              + recorder.of(dev.kiln.registry.event.RegistryEvent.RequestCompleted.class));
      assertEquals(0, used.blobsUploaded());
    }
  }

  @Test
  void aMountAsksForPullOnTheSourceRepository() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "token-mount");
    try (RegistryClient client = client(registry, ItImages.credentialsOf(registry))) {
      client.pushImage(ref(registry, "tok/base:1"), image.push(), List.of());
      int before = registry.tokenServer().requests().size();
      BlobToPush layer = image.push().blobs().get(1);
      assertEquals(
          PushOutcome.MOUNTED,
          client.pushBlob(
              ref(registry, "tok/derived"),
              layer.descriptor(),
              layer.content(),
              ref(registry, "tok/base")));
      List<TokenServer.TokenRequest> requests =
          registry
              .tokenServer()
              .requests()
              .subList(before, registry.tokenServer().requests().size());
      assertTrue(
          requests.stream()
              .anyMatch(
                  r ->
                      r.scopes().contains("repository:tok/derived:pull,push")
                          && r.scopes().contains("repository:tok/base:pull")),
          requests.toString());
    }
  }

  @Test
  void readOnlyCredentialsPullButCannotPush() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "readonly");
    try (RegistryClient writer = client(registry, ItImages.credentialsOf(registry))) {
      writer.pushImage(ref(registry, "tok/ro:1"), image.push(), List.of());
    }
    CredentialSource reader =
        creds(registry, registry.readOnlyCredentials().orElseThrow(), "read-only account");
    try (RegistryClient client = client(registry, reader)) {
      assertEquals(image.manifest().digest(), client.resolveDigest(ref(registry, "tok/ro:1")));
      ItImages.Built other = ItImages.busybox(work.resolve("other"), "readonly-push");
      var e =
          assertThrows(
              AuthenticationException.class,
              () -> client.pushImage(ref(registry, "tok/ro:2"), other.push(), List.of()));
      assertTrue(e.getMessage().contains("read-only account"), e.getMessage());
      assertTrue(e.status() == 401 || e.status() == 403, e.getMessage());
    }
  }

  @Test
  void anonymousAccessIsExplainedOrAllowedWhereThePublicMayPull() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "public");
    try (RegistryClient anonymous = client(registry, CredentialSource.NONE)) {
      var e =
          assertThrows(
              AuthenticationException.class, () -> anonymous.head(ref(registry, "tok/app:1")));
      assertTrue(e.getMessage().contains("no credentials were found"), e.getMessage());
    }
    try (RegistryClient writer = client(publicRegistry, ItImages.credentialsOf(publicRegistry))) {
      writer.pushImage(ref(publicRegistry, "pub/app:1"), image.push(), List.of());
    }
    try (RegistryClient anonymous = client(publicRegistry, CredentialSource.NONE)) {
      assertEquals(
          image.config(),
          anonymous
              .resolveImage(ref(publicRegistry, "pub/app:1"), image.config().platform())
              .config());
      assertThrows(
          AuthenticationException.class,
          () -> anonymous.pushImage(ref(publicRegistry, "pub/app:2"), image.push(), List.of()));
    }
  }
}
