package dev.kiln.registry.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A misbehaving proxy between kiln and a real registry: kiln must retry or resume where that is
 * safe, fail with a clear error where it must, never accept a blob whose digest does not match, and
 * never push a manifest whose blobs are not all in place.
 */
class FaultInjectionIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  @TempDir Path work;
  private FaultProxy proxy;
  private final ItImages.Recorder recorder = new ItImages.Recorder();

  @BeforeEach
  void startProxy() throws IOException {
    proxy = new FaultProxy(registry.hostPort());
  }

  @AfterEach
  void stopProxy() throws IOException {
    proxy.close();
  }

  private RegistryClientOptions.Builder options() {
    return ItImages.options(registry, recorder);
  }

  private RegistryClient client() {
    return RegistryClient.create(options().build());
  }

  /** The same repository reached through the proxy. */
  private ImageReference viaProxy(String repoAndTag) {
    return ImageReference.parse(proxy.hostPort() + "/" + repoAndTag);
  }

  /** ... and directly, to check what really is in the registry. */
  private ImageReference direct(String repoAndTag) {
    return ImageReference.parse(registry.reference(repoAndTag));
  }

  private ItImages.Layer seededLayer(String repo, int size, long seed) throws IOException {
    ItImages.Layer layer = ItImages.randomLayer(size, seed, work.resolve("layer-" + seed));
    try (RegistryClient direct = client()) {
      direct.pushBlob(direct(repo), layer.descriptor(), BlobContent.ofFile(layer.file()), null);
    }
    return layer;
  }

  @Test
  void serverErrorsAndRateLimitsAreRetried() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "faults-5xx");
    proxy.inject("HEAD", "/manifests/", new FaultProxy.Status(503, null));
    proxy.inject("HEAD", "/blobs/", new FaultProxy.Status(500, null));
    proxy.inject("PUT", "/manifests/", new FaultProxy.Status(429, "1"));
    proxy.inject("GET", "/manifests/", new FaultProxy.Status(502, null));
    try (RegistryClient client = client()) {
      client.pushImage(viaProxy("faults/retry:1"), image.push(), List.of());
      assertEquals(
          image.manifest().digest(), client.fetchManifest(viaProxy("faults/retry:1")).digest());
      assertEquals(4, client.stats().retries(), proxy.log.toString());
    }
    List<RegistryEvent.RequestRetried> retried = recorder.of(RegistryEvent.RequestRetried.class);
    assertTrue(
        retried.stream()
            .anyMatch(
                r -> r.reason().equals("HTTP 429") && r.delay().equals(Duration.ofSeconds(1))),
        retried.toString());
    assertEquals(
        image.manifest().raw().asString(),
        ImageInspector.of(registry).rawManifest("faults/retry:1"));
  }

  @Test
  void aConnectionResetMidBlobResumesWithRange() throws IOException {
    ItImages.Layer layer = seededLayer("faults/reset", 3 * 1024 * 1024, 1);
    proxy.inject("GET", "/blobs/sha256:", new FaultProxy.ResetMidBody(1024 * 1024));
    proxy.inject("GET", "/blobs/sha256:", new FaultProxy.Truncate(500_000));
    try (RegistryClient client = client();
        InputStream in = client.openBlob(viaProxy("faults/reset"), layer.descriptor())) {
      assertArrayEquals(Files.readAllBytes(layer.file()), in.readAllBytes());
    }
    List<Long> offsets =
        recorder.of(RegistryEvent.BlobResumed.class).stream()
            .map(RegistryEvent.BlobResumed::offset)
            .toList();
    assertEquals(2, offsets.size(), proxy.log.toString());
    assertTrue(offsets.get(0) > 0 && offsets.get(0) <= 1024 * 1024, offsets.toString());
    assertTrue(offsets.get(1) > offsets.get(0), offsets.toString());
    assertTrue(
        registry.log().contains("\"GET /v2/faults/reset/blobs/" + layer.descriptor().digest()),
        "the registry served the resumes");
  }

  @Test
  void aCorruptedBlobIsNeverAccepted() throws IOException {
    ItImages.Layer layer = seededLayer("faults/corrupt", 200_000, 2);
    proxy.inject("GET", "/blobs/sha256:", new FaultProxy.Corrupt(), 0, 100);
    Path target = work.resolve("downloaded");
    try (RegistryClient client = client()) {
      var e =
          assertThrows(
              ContentVerificationException.class,
              () -> client.downloadBlob(viaProxy("faults/corrupt"), layer.descriptor(), target));
      assertTrue(e.getMessage().contains(layer.descriptor().digest().toString()), e.getMessage());
    }
    assertFalse(Files.exists(target));
    try (var files = Files.list(work)) {
      assertTrue(files.noneMatch(p -> p.getFileName().toString().contains("partial")));
    }
  }

  @Test
  void aStalledTransferTimesOutAndResumesWhileASlowOneJustFinishes() throws IOException {
    ItImages.Layer layer = seededLayer("faults/slow", 256 * 1024, 3);
    // Slow but steady: 16 pieces 100 ms apart, within the read timeout.
    proxy.inject("GET", "/blobs/sha256:", new FaultProxy.Slow(Duration.ofMillis(100)));
    try (RegistryClient client = client();
        InputStream in = client.openBlob(viaProxy("faults/slow"), layer.descriptor())) {
      assertArrayEquals(Files.readAllBytes(layer.file()), in.readAllBytes());
    }
    assertTrue(recorder.of(RegistryEvent.BlobResumed.class).isEmpty());

    // Stalled: a pause longer than the read timeout breaks the read; the rest comes by Range.
    proxy.inject("GET", "/blobs/sha256:", new FaultProxy.Slow(Duration.ofSeconds(3)));
    try (RegistryClient client =
            RegistryClient.create(options().readTimeout(Duration.ofSeconds(1)).build());
        InputStream in = client.openBlob(viaProxy("faults/slow"), layer.descriptor())) {
      assertArrayEquals(Files.readAllBytes(layer.file()), in.readAllBytes());
    }
    assertEquals(1, recorder.of(RegistryEvent.BlobResumed.class).size(), proxy.log.toString());
  }

  @Test
  void aResetDuringAnUploadIsRecoveredAndTheImageIsComplete() throws IOException {
    ItImages.Layer big = ItImages.randomLayer(6 * 1024 * 1024, 4, work.resolve("big"));
    ItImages.Built image =
        ItImages.image(
            List.of(big), dev.kiln.registry.model.MediaType.OCI_MANIFEST, "upload-reset");
    // The streamed PATCH dies 2 MiB in; the monolithic PUT of the config dies too.
    proxy.inject("PATCH", "/blobs/uploads/", new FaultProxy.ResetDuringUpload(2 * 1024 * 1024));
    proxy.inject("PUT", "/blobs/uploads/", new FaultProxy.ResetDuringUpload(10));
    try (RegistryClient client = client()) {
      var result = client.pushImage(viaProxy("faults/upload:1"), image.push(), List.of());
      assertEquals(2, result.uploadedBlobs());
    }
    assertTrue(
        proxy.log.stream().anyMatch(l -> l.contains("reset during upload")), proxy.log.toString());
    ImageInspector skopeo = ImageInspector.of(registry);
    assertEquals(image.manifest().raw().asString(), skopeo.rawManifest("faults/upload:1"));
    try (RegistryClient direct = client();
        InputStream in = direct.openBlob(direct("faults/upload"), big.descriptor())) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  @Test
  void aChunkedUploadResumesAfterAFailedChunk() throws IOException {
    ItImages.Layer big = ItImages.randomLayer(5 * 1024 * 1024, 5, work.resolve("chunked"));
    proxy.inject("PATCH", "/blobs/uploads/", new FaultProxy.Status(500, null), 1, 1);
    try (RegistryClient client =
        RegistryClient.create(
            options().chunkSize(1024 * 1024).monolithicUploadMaxBytes(1024).build())) {
      assertEquals(
          PushOutcome.UPLOADED,
          client.pushBlob(
              viaProxy("faults/chunks"), big.descriptor(), BlobContent.ofFile(big.file()), null));
    }
    List<Long> resumed =
        recorder.of(RegistryEvent.BlobResumed.class).stream()
            .map(RegistryEvent.BlobResumed::offset)
            .toList();
    assertEquals(List.of(1024L * 1024), resumed, proxy.log.toString());
    assertEquals(1, proxy.count("POST", "/blobs/uploads/"), "same session throughout");
    try (RegistryClient direct = client()) {
      assertEquals(
          big.descriptor().size(),
          direct.blobSize(direct("faults/chunks"), big.descriptor().digest()).orElseThrow());
    }
  }

  @Test
  void whenABlobCannotBeUploadedTheManifestIsNeverPushed() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "faults-fatal");
    proxy.inject("PUT", "/blobs/uploads/", new FaultProxy.Status(400, null), 0, 1000);
    proxy.inject("PATCH", "/blobs/uploads/", new FaultProxy.Status(400, null), 0, 1000);
    try (RegistryClient client = client()) {
      var e =
          assertThrows(
              RegistryException.class,
              () -> client.pushImage(viaProxy("faults/fatal:1"), image.push(), List.of()));
      assertEquals(400, e.status());
      assertTrue(e.getMessage().contains("INJECTED"), e.getMessage());
      assertTrue(e.getMessage().contains(proxy.hostPort() + "/faults/fatal"), e.getMessage());
    }
    assertEquals(0, proxy.count("PUT", "/manifests/"), proxy.log.toString());
    try (RegistryClient direct = client()) {
      assertTrue(direct.head(direct("faults/fatal:1")).isEmpty());
    }
  }

  @Test
  void persistentServerErrorsEndInAClearError() throws IOException {
    proxy.inject("GET", "/manifests/", new FaultProxy.Status(503, null), 0, 100);
    try (RegistryClient client = client()) {
      var e =
          assertThrows(
              RegistryException.class, () -> client.fetchManifest(viaProxy("faults/down:1")));
      assertEquals(503, e.status());
      assertTrue(e.retryable());
      assertTrue(
          e.getMessage().contains("pulling manifest " + viaProxy("faults/down:1")), e.getMessage());
      assertTrue(e.getMessage().contains("kiln retried and gave up"), e.getMessage());
    }
    assertEquals(5, proxy.count("GET", "/manifests/"), "bounded: maxAttempts = 5");
  }

  @Test
  void aManifestResponseCutShortIsRetried() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "faults-manifest");
    try (RegistryClient direct = client()) {
      direct.pushImage(direct("faults/cut:1"), image.push(), List.of());
    }
    proxy.inject("GET", "/manifests/", new FaultProxy.Truncate(40));
    proxy.inject("GET", "/manifests/", new FaultProxy.ResetMidBody(10));
    try (RegistryClient client = client()) {
      assertEquals(image.manifest(), client.fetchManifest(viaProxy("faults/cut:1")).manifest());
    }
    assertEquals(3, proxy.count("GET", "/manifests/"));
  }

  @Test
  void blobSourcesFromAnotherRegistryStreamThrough() throws IOException {
    ItImages.Layer layer = seededLayer("faults/src", 1024 * 1024, 6);
    proxy.inject("GET", "/blobs/sha256:", new FaultProxy.ResetMidBody(300_000));
    try (RegistryClient client = client()) {
      Descriptor d = layer.descriptor();
      // Reading from the proxy (with a reset) while writing directly: a cross-registry copy.
      assertEquals(
          PushOutcome.UPLOADED,
          client.pushBlob(
              direct("faults/dst"), d, client.blobContent(viaProxy("faults/src"), d), null));
      assertEquals(d.size(), client.blobSize(direct("faults/dst"), d.digest()).orElseThrow());
    }
  }
}
