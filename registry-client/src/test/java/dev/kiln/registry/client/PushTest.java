package dev.kiln.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.event.TransferStats;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.RegistryException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushTest {
  private FakeRegistry registry;
  private TestImages.Recorder recorder;

  @BeforeEach
  void setUp() throws IOException {
    registry = new FakeRegistry();
    recorder = new TestImages.Recorder();
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  private RegistryClient client(RegistryClientOptions.Builder options) {
    return RegistryClient.create(options.build());
  }

  private RegistryClient client() {
    return client(TestImages.options(registry, recorder));
  }

  private ImageReference ref(String rest) {
    return ImageReference.parse(registry.hostPort() + "/" + rest);
  }

  @Test
  void pushesBlobsThenTheManifestOncePerTagAndAnUnchangedPushSendsNothing() throws IOException {
    TestImages.Image image = TestImages.image(Platform.linuxAmd64(), 7, 1000, 6_000_000);
    Digest digest = image.manifest().digest();
    try (RegistryClient client = client()) {
      PushResult first = client.pushImage(ref("app:1.0"), image.push(), List.of("latest"));
      assertEquals(digest, first.digest());
      assertEquals(3, first.uploadedBlobs());
      assertEquals(List.of("1.0", "latest"), first.tagsSent());
      assertFalse(first.alreadyPresent());
    }
    assertTrue(registry.hasManifest("app", "1.0") && registry.hasManifest("app", "latest"));
    List<String> puts =
        registry.log.stream().filter(l -> l.startsWith("PUT /v2/app/manifests")).toList();
    // A PUT by tag stores the manifest by digest too: no separate PUT by digest, and no HEAD by
    // digest either, since the tag's HEAD said the image is not there under its name.
    assertEquals(2, puts.size(), puts.toString());
    assertTrue(puts.get(0).contains("/manifests/1.0"), "the first tag: " + puts);
    assertEquals(1, registry.count("HEAD", "/manifests/"), registry.log.toString());
    assertTrue(registry.hasManifest("app", digest.toString()), "kept by digest as well");
    int lastBlobPut = -1;
    int firstManifestPut = -1;
    for (int i = 0; i < registry.log.size(); i++) {
      String l = registry.log.get(i);
      if (l.startsWith("PUT /v2/app/blobs/uploads/")) {
        lastBlobPut = i;
      }
      if (l.startsWith("PUT /v2/app/manifests") && firstManifestPut < 0) {
        firstManifestPut = i;
      }
    }
    assertTrue(lastBlobPut < firstManifestPut, "every blob before the manifest");
    // The small blobs went in one PUT, the 6 MB one as PATCH + PUT.
    assertEquals(1, registry.count("PATCH", "/blobs/uploads/"));

    try (RegistryClient again = client()) {
      TransferStats.Snapshot before = again.stats();
      PushResult second = again.pushImage(ref("app:1.0"), image.push(), List.of("latest"));
      TransferStats.Snapshot used = again.stats().minus(before);
      assertTrue(second.alreadyPresent());
      assertEquals(0, used.blobsUploaded());
      assertTrue(used.requests() <= 3, "requests: " + used.requestsByMethod());
      assertEquals(Map.of("GET", 1L, "HEAD", 2L), used.requestsByMethod());
    }
  }

  @Test
  void existingBlobsAreSkippedAndANewTagOnAnExistingManifestSendsNoBlob() throws IOException {
    TestImages.Image image = TestImages.image(Platform.linuxAmd64(), 8, 2000, 3000);
    try (RegistryClient client = client()) {
      client.pushImage(ref("app:1"), image.push(), List.of());
      registry.log.clear();
      PushResult retag = client.pushImage(ref("app:2"), image.push(), List.of());
      assertTrue(retag.blobs().values().stream().allMatch(o -> o == PushOutcome.EXISTED));
      assertEquals(0, registry.count("POST", "/blobs/uploads/"));
      assertEquals(List.of("2"), retag.tagsSent());
      registry.log.clear();

      // When one of the tags is there already, the manifest is, and its blobs are not checked.
      PushResult more = client.pushImage(ref("app:2"), image.push(), List.of("3"));
      assertTrue(more.blobs().isEmpty(), more.blobs().toString());
      assertEquals(0, registry.count("HEAD", "/blobs/"));
      assertEquals(List.of("3"), more.tagsSent());
      assertEquals(1, registry.count("PUT", "/manifests/"), registry.log.toString());

      // Pushed by digest only, an image that is there is found by its digest.
      registry.log.clear();
      PushResult byDigest =
          client.pushImage(ref("app@" + image.manifest().digest()), image.push(), List.of());
      assertTrue(byDigest.blobs().isEmpty());
      assertEquals(0, registry.count("HEAD", "/blobs/"));
      assertEquals(0, registry.count("PUT", ""), registry.log.toString());

      TestImages.Image sharing = TestImages.image(Platform.linuxAmd64(), 8, 2000, 3000, 4000);
      PushResult sharingPush = client.pushImage(ref("app:4"), sharing.push(), List.of());
      assertEquals(
          PushOutcome.EXISTED,
          sharingPush.blobs().get(sharing.manifest().layers().get(0).digest()));
      assertEquals(
          PushOutcome.UPLOADED,
          sharingPush.blobs().get(sharing.manifest().layers().get(2).digest()));
    }
  }

  @Test
  void mountsFromAnotherRepositoryOfTheSameRegistry() throws IOException {
    byte[] layer = TestImages.bytes(50_000, 3);
    registry.putBlob("base", layer);
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
    try (RegistryClient client = client()) {
      PushOutcome outcome =
          client.pushBlob(
              ref("app"),
              d,
              offset -> {
                throw new AssertionError("must not read");
              },
              ref("base"));
      assertEquals(PushOutcome.MOUNTED, outcome);
      assertEquals(1, client.stats().blobsMounted());
    }
    assertTrue(registry.hasBlob("app", d.digest()));
    assertEquals(0, registry.count("PATCH", ""));
    assertTrue(
        registry.log.stream()
            .anyMatch(l -> l.contains("mount=" + d.digest().toString().replace(":", "%3A"))),
        registry.log.toString());
  }

  @Test
  void aRefusedMountFallsBackToUploadingIntoTheSessionItOpened() throws IOException {
    byte[] layer = TestImages.bytes(20_000, 4);
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
    try (RegistryClient client = client()) {
      assertEquals(
          PushOutcome.UPLOADED,
          client.pushBlob(ref("app"), d, BlobContent.ofBytes(layer), ref("elsewhere")));
    }
    assertEquals(1, registry.count("POST", "/blobs/uploads/"), "the mount's 202 session was used");
    assertTrue(registry.hasBlob("app", d.digest()));
  }

  @Test
  void chunkedUploadHonoursTheRegistrysMinimumChunkLength(@TempDir Path dir) throws IOException {
    byte[] layer = TestImages.bytes(10_000, 5);
    Path file = Files.write(dir.resolve("layer"), layer);
    registry.chunkMinLength = 3000;
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
    try (RegistryClient client =
        client(
            TestImages.options(registry, recorder).chunkSize(1000).monolithicUploadMaxBytes(100))) {
      client.pushBlob(ref("app"), d, BlobContent.ofFile(file), null);
    }
    assertEquals(4, registry.count("PATCH", "/blobs/uploads/"), "3000+3000+3000+1000");
    assertTrue(registry.hasBlob("app", d.digest()));
    List<RegistryEvent.BlobProgress> progress = recorder.of(RegistryEvent.BlobProgress.class);
    assertEquals(10_000, progress.get(progress.size() - 1).bytesSoFar());
  }

  @Test
  void aFailedPatchResumesFromWhatTheRegistryKept(@TempDir Path dir) throws IOException {
    byte[] layer = TestImages.bytes(9_000, 6);
    Path file = Files.write(dir.resolve("layer"), layer);
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
    // The third chunk fails once; the upload continues at byte 6000 in the same session.
    registry.faults.add(FakeRegistry.Fault.after(2, "PATCH", "/blobs/uploads/", 503));
    try (RegistryClient client =
        client(
            TestImages.options(registry, recorder).chunkSize(3000).monolithicUploadMaxBytes(100))) {
      client.pushBlob(ref("app"), d, BlobContent.ofFile(file), null);
    }
    assertTrue(registry.hasBlob("app", d.digest()));
    assertEquals(1, registry.count("POST", "/blobs/uploads/"));
    assertEquals(4, registry.count("PATCH", "/blobs/uploads/"), "3 chunks + the failed one");
    assertEquals(
        List.of(6000L),
        recorder.of(RegistryEvent.BlobResumed.class).stream()
            .map(RegistryEvent.BlobResumed::offset)
            .toList());
  }

  @Test
  void aFailedCommitStartsANewSession() throws IOException {
    byte[] layer = TestImages.bytes(9_000, 9);
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
    registry.faults.add(new FakeRegistry.Fault("PUT", "/blobs/uploads/", 500, null));
    try (RegistryClient client = client()) {
      client.pushBlob(ref("app"), d, BlobContent.ofBytes(layer), null);
    }
    assertTrue(registry.hasBlob("app", d.digest()));
  }

  @Test
  void aSourceThatDoesNotMatchItsDescriptorIsNeverCommitted() throws IOException {
    byte[] layer = TestImages.bytes(9_000, 10);
    Descriptor d = Descriptor.of(MediaType.OCI_LAYER_GZIP, Digest.sha256(layer), layer.length);
    byte[] other = layer.clone();
    other[100] ^= 1;
    try (RegistryClient client = client()) {
      var e =
          assertThrows(
              RegistryException.class,
              () -> client.pushBlob(ref("app"), d, BlobContent.ofBytes(other), null));
      assertTrue(
          e instanceof ContentVerificationException
              || e.getCause() instanceof ContentVerificationException,
          e.toString());
      byte[] shorter = java.util.Arrays.copyOf(layer, 8000);
      assertThrows(
          IOException.class,
          () -> client.pushBlob(ref("app"), d, BlobContent.ofBytes(shorter), null));
    }
    assertFalse(registry.hasBlob("app", d.digest()));
  }

  @Test
  void aBlobThatCannotBeUploadedMeansNoManifestIsPushed() throws IOException {
    TestImages.Image image = TestImages.image(Platform.linuxAmd64(), 11, 1000, 2000);
    for (int i = 0; i < 20; i++) {
      registry.faults.add(new FakeRegistry.Fault("PUT", "/blobs/uploads/", 400, null));
    }
    try (RegistryClient client = client()) {
      assertThrows(
          RegistryException.class, () -> client.pushImage(ref("app:x"), image.push(), List.of()));
    }
    assertEquals(0, registry.count("PUT", "/manifests/"));
    assertFalse(registry.hasManifest("app", "x"));
  }

  @Test
  void anImageToPushMustHaveASourceForEveryBlob() {
    TestImages.Image image = TestImages.image(Platform.linuxAmd64(), 12, 1000);
    assertThrows(
        IllegalArgumentException.class,
        () -> new ImageToPush(image.manifest(), image.push().blobs().subList(0, 1)));
  }

  @Test
  void indexIsPushedAfterItsChildren() throws IOException {
    TestImages.Image amd = TestImages.image(Platform.parse("linux/amd64"), 13, 1000);
    TestImages.Image arm = TestImages.image(Platform.parse("linux/arm64"), 14, 1200);
    ImageIndex index =
        ImageIndex.of(
            MediaType.OCI_INDEX,
            List.of(
                amd.manifest().descriptor().withPlatform(Platform.parse("linux/amd64")),
                arm.manifest().descriptor().withPlatform(Platform.parse("linux/arm64"))));
    try (RegistryClient client = client()) {
      PushResult r =
          client.pushIndex(
              ref("multi:v1"), new IndexToPush(index, List.of(amd.push(), arm.push())), List.of());
      assertEquals(index.digest(), r.digest());
      assertEquals(4, r.uploadedBlobs());
      RemoteImage resolved = client.resolveImage(ref("multi:v1"), Platform.parse("linux/arm64"));
      assertEquals(arm.manifest().digest(), resolved.digest());
    }
    List<String> manifestPuts =
        registry.log.stream().filter(l -> l.startsWith("PUT /v2/multi/manifests/")).toList();
    // The children by digest, then the index once, by its tag.
    assertEquals(3, manifestPuts.size(), manifestPuts.toString());
    assertTrue(manifestPuts.get(2).contains("/manifests/v1"), manifestPuts.toString());
    assertTrue(registry.hasManifest("multi", index.digest().toString()));
  }

  @Test
  void aStreamOfUnknownDigestIsHashedOnTheWay() throws IOException {
    byte[] content = TestImages.bytes(70_000, 15);
    try (RegistryClient client = client()) {
      Descriptor d =
          client.pushBlob(ref("app"), MediaType.OCI_LAYER_GZIP, new ByteArrayInputStream(content));
      assertEquals(Digest.sha256(content), d.digest());
      assertEquals(content.length, d.size());
    }
    assertTrue(registry.hasBlob("app", Digest.sha256(content)));
  }

  @Test
  void uploadsRunInParallelButBounded() throws IOException {
    TestImages.Image image =
        TestImages.image(Platform.linuxAmd64(), 16, 100, 200, 300, 400, 500, 600);
    try (RegistryClient client =
        client(TestImages.options(registry, recorder).parallelUploads(2))) {
      PushResult r = client.pushImage(ref("par:1"), image.push(), List.of());
      assertEquals(7, r.uploadedBlobs());
    }
    List<RegistryEvent.BlobPushed> pushed = recorder.of(RegistryEvent.BlobPushed.class);
    assertEquals(7, pushed.size());
  }
}
