package dev.kiln.registry.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.NotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullTest {
  private FakeRegistry registry;
  private TestImages.Recorder recorder;
  private RegistryClient client;
  private TestImages.Image amd64;
  private TestImages.Image arm64;
  private ImageIndex index;

  @BeforeEach
  void setUp() throws IOException {
    registry = new FakeRegistry();
    recorder = new TestImages.Recorder();
    client = RegistryClient.create(TestImages.options(registry, recorder).build());
    amd64 = TestImages.image(Platform.parse("linux/amd64"), 1, 3000, 70_000);
    arm64 = TestImages.image(Platform.parse("linux/arm64"), 2, 5000);
    for (TestImages.Image image : List.of(amd64, arm64)) {
      for (BlobToPush b : image.push().blobs()) {
        try (InputStream in = b.content().open(0)) {
          registry.putBlob("lib/app", in.readAllBytes());
        }
      }
      registry.putManifest("lib/app", null, image.manifest());
    }
    index =
        ImageIndex.of(
            MediaType.OCI_INDEX,
            List.of(
                amd64.manifest().descriptor().withPlatform(Platform.parse("linux/amd64")),
                arm64.manifest().descriptor().withPlatform(Platform.of("linux", "arm64", "v8"))));
    registry.putManifest("lib/app", "multi", index);
    registry.putManifest("lib/app", "single", amd64.manifest());
  }

  @AfterEach
  void tearDown() throws IOException {
    client.close();
    registry.close();
  }

  private ImageReference ref(String rest) {
    return ImageReference.parse(registry.hostPort() + "/lib/app" + rest);
  }

  @Test
  void headResolvesATagToItsDigestWithOneRequestAfterThePing() throws IOException {
    Descriptor d = client.head(ref(":multi")).orElseThrow();
    assertEquals(index.digest(), d.digest());
    assertEquals(MediaType.OCI_INDEX, d.mediaType());
    assertEquals(index.raw().size(), d.size());
    assertEquals(List.of("GET /v2/", "HEAD /v2/lib/app/manifests/multi"), requests());
    assertTrue(client.head(ref(":missing")).isEmpty());
    assertThrows(NotFoundException.class, () -> client.resolveDigest(ref(":missing")));
  }

  @Test
  void resolvesAnIndexToThePlatformManifestAndFetchesTheConfigOnlyWhenAsked() throws IOException {
    RemoteImage image = client.resolveImage(ref(":multi"), Platform.parse("linux/aarch64"));
    assertEquals(arm64.manifest().digest(), image.digest());
    assertEquals(index.digest(), image.indexDigest().orElseThrow());
    assertEquals(arm64.manifest(), image.manifest());
    assertEquals(0, registry.count("GET", "/blobs/"), "no blob before config() is called");
    assertEquals(arm64.config(), image.config());
    assertEquals(arm64.config(), image.config());
    assertEquals(1, registry.count("GET", "/blobs/"), "config fetched once");
    assertEquals(ref("@" + arm64.manifest().digest()).toString(), image.pinned().toString());
  }

  @Test
  void aSingleManifestResolvesToItselfAndAMissingPlatformIsExplained() throws IOException {
    assertEquals(
        amd64.manifest().digest(),
        client.resolveImage(ref(":single"), Platform.parse("linux/amd64")).digest());
    var e =
        assertThrows(
            PlatformNotFoundException.class,
            () -> client.resolveImage(ref(":multi"), Platform.parse("linux/s390x")));
    assertTrue(e.getMessage().contains("linux/amd64, linux/arm64"), e.getMessage());
  }

  @Test
  void blobStreamIsVerifiedAndReportsProgress() throws IOException {
    Descriptor layer = amd64.manifest().layers().get(1);
    try (InputStream in = client.openBlob(ref(""), layer)) {
      assertArrayEquals(amd64.layers().get(1), in.readAllBytes());
    }
    List<RegistryEvent.BlobProgress> progress = recorder.of(RegistryEvent.BlobProgress.class);
    assertEquals(layer.size(), progress.get(progress.size() - 1).bytesSoFar());
    assertEquals(1, recorder.of(RegistryEvent.BlobDownloaded.class).size());
    assertEquals(1, client.stats().blobsDownloaded());
  }

  @Test
  void brokenDownloadResumesWithRangeFromWhereItStopped() throws IOException {
    Descriptor layer = amd64.manifest().layers().get(1);
    registry.truncateBlobGets.add(10_000L);
    registry.truncateBlobGets.add(25_000L);
    try (InputStream in = client.openBlob(ref(""), layer)) {
      assertArrayEquals(amd64.layers().get(1), in.readAllBytes());
    }
    List<RegistryEvent.BlobResumed> resumed = recorder.of(RegistryEvent.BlobResumed.class);
    assertEquals(
        List.of(10_000L, 35_000L),
        resumed.stream().map(RegistryEvent.BlobResumed::offset).toList());
    assertEquals(3, registry.count("GET", "/blobs/" + layer.digest()));
    assertEquals(2, recorder.sleeps.size(), "waited before each resume");
  }

  @Test
  void aServerThatIgnoresRangeIsSkippedForward() throws IOException {
    Descriptor layer = amd64.manifest().layers().get(1);
    registry.ignoreRange = true;
    registry.truncateBlobGets.add(20_000L);
    try (InputStream in = client.openBlob(ref(""), layer)) {
      assertArrayEquals(amd64.layers().get(1), in.readAllBytes());
    }
  }

  @Test
  void corruptBlobIsRejectedBeforeItsLastBytesAreHandedOut() throws IOException {
    Descriptor layer = amd64.manifest().layers().get(1);
    registry.corrupt.add(layer.digest());
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    var e =
        assertThrows(
            ContentVerificationException.class,
            () -> {
              try (InputStream in = client.openBlob(ref(""), layer)) {
                in.transferTo(got);
              }
            });
    assertTrue(e.getMessage().contains(layer.digest().toString()), e.getMessage());
    assertTrue(got.size() < layer.size(), "the final bytes were withheld: " + got.size());
  }

  @Test
  void aStreamForAVerifyingWriterLeavesTheDigestToItButStillChecksTheSize() throws IOException {
    Descriptor layer = amd64.manifest().layers().get(1);
    registry.corrupt.add(layer.digest());
    registry.truncateBlobGets.add(10_000L);
    // Not hashed here (the content store hashes what it writes): the wrong bytes come through,
    // for the writer to reject, and a broken download still resumes.
    try (InputStream in = client.openBlobForVerifyingWriter(ref(""), layer)) {
      assertEquals(layer.size(), in.readAllBytes().length);
    }
    assertEquals(1, recorder.of(RegistryEvent.BlobResumed.class).size());
    Descriptor lying = Descriptor.of(layer.mediaType(), layer.digest(), layer.size() - 1);
    assertThrows(
        ContentVerificationException.class,
        () -> {
          try (InputStream in = client.openBlobForVerifyingWriter(ref(""), lying)) {
            in.readAllBytes();
          }
        });
  }

  @Test
  void aDescriptorWithTheWrongSizeIsRejected() throws IOException {
    Descriptor layer = amd64.manifest().layers().get(1);
    Descriptor lying = Descriptor.of(layer.mediaType(), layer.digest(), layer.size() - 1);
    assertThrows(
        ContentVerificationException.class,
        () -> {
          try (InputStream in = client.openBlob(ref(""), lying)) {
            in.readAllBytes();
          }
        });
  }

  @Test
  void downloadToFileIsAtomic(@TempDir Path dir) throws IOException {
    Descriptor layer = amd64.manifest().layers().get(0);
    Path target = dir.resolve("blob");
    client.downloadBlob(ref(""), layer, target);
    assertArrayEquals(amd64.layers().get(0), Files.readAllBytes(target));

    registry.corrupt.add(layer.digest());
    Path other = dir.resolve("other");
    assertThrows(
        ContentVerificationException.class, () -> client.downloadBlob(ref(""), layer, other));
    assertFalse(Files.exists(other));
    try (var files = Files.list(dir)) {
      assertEquals(List.of(target), files.toList(), "no partial file left behind");
    }
  }

  @Test
  void manifestByDigestIsVerified() throws IOException {
    RemoteManifest m = client.fetchManifest(ref("@" + index.digest()));
    assertEquals(index, m.manifest());
    // A registry serving other bytes under a digest is caught.
    registry.putManifest("lib/app", null, index);
    Digest other = amd64.manifest().digest();
    registry.putManifest("lib/app", other.toString(), arm64.manifest());
    assertThrows(ContentVerificationException.class, () -> client.fetchManifest(ref("@" + other)));
  }

  @Test
  void blobSizeAndTags() throws IOException {
    Descriptor layer = amd64.manifest().layers().get(0);
    assertEquals(layer.size(), client.blobSize(ref(""), layer.digest()).orElseThrow());
    assertTrue(client.blobSize(ref(""), Digest.sha256(new byte[] {1})).isEmpty());
    for (String t : List.of("a", "b", "c", "d")) {
      registry.putManifest("lib/app", t, amd64.manifest());
    }
    assertEquals(List.of("a", "b", "c", "d", "multi", "single"), client.listTags(ref("")));
    assertEquals(3, registry.count("GET", "/tags/list"), "three pages of two");
  }

  @Test
  void referrersFallBackToTheTagSchema() throws IOException {
    Digest subject = amd64.manifest().digest();
    Descriptor sbom = arm64.manifest().descriptor().withMediaType(MediaType.OCI_MANIFEST);
    Descriptor sig =
        new Descriptor(
            MediaType.OCI_MANIFEST,
            index.digest(),
            10,
            null,
            null,
            null,
            "application/x-sig",
            null,
            null);
    Descriptor sbomTyped =
        new Descriptor(
            sbom.mediaType(),
            sbom.digest(),
            sbom.size(),
            null,
            null,
            null,
            "application/spdx+json",
            null,
            null);
    registry.putManifest(
        "lib/app",
        "sha256-" + subject.hex(),
        ImageIndex.of(MediaType.OCI_INDEX, List.of(sig, sbomTyped)));
    assertEquals(List.of(sig, sbomTyped), client.referrers(ref(""), subject, null));
    assertEquals(List.of(sbomTyped), client.referrers(ref(""), subject, "application/spdx+json"));
    assertEquals(List.of(), client.referrers(ref(""), arm64.manifest().digest(), null));
  }

  private List<String> requests() {
    return registry.log.stream().map(l -> l.substring(0, l.indexOf(" auth="))).toList();
  }
}
