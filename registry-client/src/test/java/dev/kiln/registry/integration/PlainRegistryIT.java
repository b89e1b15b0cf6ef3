package dev.kiln.registry.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.event.TransferStats;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.NotFoundException;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Push, pull, mount, chunked upload, tags and referrers against Debian's docker-registry. */
class PlainRegistryIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  @TempDir Path work;
  private final ItImages.Recorder recorder = new ItImages.Recorder();

  private RegistryClient client() {
    return RegistryClient.create(ItImages.options(registry, recorder).build());
  }

  private ImageReference ref(String repoAndTag) {
    return ImageReference.parse(registry.reference(repoAndTag));
  }

  @Test
  void pushedImageReadsBackIdenticallyAndAnUnchangedPushSendsNothing() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "plain-push");
    try (RegistryClient client = client()) {
      PushResult pushed = client.pushImage(ref("plain/app:1"), image.push(), List.of("latest"));
      assertEquals(2, pushed.uploadedBlobs());

      RemoteImage pulled = client.resolveImage(ref("plain/app:latest"), Platform.linuxAmd64());
      assertEquals(image.manifest().digest(), pulled.digest());
      assertArrayEquals(
          image.manifest().raw().toByteArray(), pulled.manifest().raw().toByteArray());
      assertEquals(image.config().raw(), pulled.config().raw());
      Descriptor layer = pulled.layers().get(0);
      try (InputStream in = pulled.openBlob(layer)) {
        assertArrayEquals(Files.readAllBytes(image.layers().get(0).file()), in.readAllBytes());
      }
    }
    try (RegistryClient fresh = client()) {
      TransferStats.Snapshot before = fresh.stats();
      PushResult again = fresh.pushImage(ref("plain/app:1"), image.push(), List.of());
      TransferStats.Snapshot used = fresh.stats().minus(before);
      assertTrue(again.alreadyPresent());
      assertTrue(used.requests() <= 3, used.requestsByMethod().toString());
      assertEquals(0, used.blobsUploaded());
    }
  }

  @Test
  void aTaggedPushToANewRepositorySendsTheManifestOnceAndAsksNothingByDigest() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "requests");
    Digest digest = image.manifest().digest();
    int before = registry.log().lines().toList().size();
    try (RegistryClient client = client()) {
      client.pushImage(ref("requests/app:1"), image.push(), List.of());
    }
    List<String> requests =
        registry
            .log()
            .lines()
            .skip(before)
            .map(PlainRegistryIT::request)
            .flatMap(List::stream)
            .toList();
    String log = String.join("\n", requests);
    // GET /v2/, HEAD of the tag, then per blob (config and layer) HEAD, POST and PUT, then the
    // manifest once, by its tag: the registry's access log, not the client's own count.
    assertEquals(1, requests.stream().filter(r -> r.equals("GET /v2/")).count(), log);
    assertEquals(
        List.of("HEAD /v2/requests/app/manifests/1"),
        requests.stream().filter(r -> r.contains("/manifests/") && r.startsWith("HEAD")).toList(),
        log);
    assertEquals(
        List.of("PUT /v2/requests/app/manifests/1"),
        requests.stream().filter(r -> r.contains("/manifests/") && r.startsWith("PUT")).toList(),
        log);
    assertEquals(2 + 2 * 3 + 1, requests.size(), log);
    try (RegistryClient client = client()) {
      assertEquals(digest, client.fetchManifest(ref("requests/app@" + digest)).manifest().digest());
    }
  }

  /** "METHOD path" of an access-log line of the registry (none for other lines). */
  private static List<String> request(String line) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"(GET|HEAD|POST|PUT|PATCH|DELETE) (\\S+) HTTP/")
            .matcher(line);
    return m.find() ? List.of(m.group(1) + " " + m.group(2).replaceAll("\\?.*", "")) : List.of();
  }

  @Test
  void mountsBlobsFromAnotherRepository() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "mount");
    try (RegistryClient client = client()) {
      client.pushImage(ref("mount/base:1"), image.push(), List.of());
      for (var blob : image.push().blobs()) {
        PushOutcome outcome =
            client.pushBlob(
                ref("mount/derived"), blob.descriptor(), blob.content(), ref("mount/base"));
        assertEquals(PushOutcome.MOUNTED, outcome);
      }
      client.pushManifest(ref("mount/derived:1"), image.manifest(), List.of("1"));
      assertEquals(image.manifest().digest(), client.resolveDigest(ref("mount/derived:1")));
    }
    assertTrue(registry.log().contains("mount="), "the registry saw a mount request");
  }

  @Test
  void chunkedAndStreamedUploadsOfLargeBlobs() throws IOException {
    ItImages.Layer big = ItImages.randomLayer(9 * 1024 * 1024 + 123, 1, work.resolve("big"));
    ItImages.Layer mid = ItImages.randomLayer(5 * 1024 * 1024 + 7, 2, work.resolve("mid"));
    try (RegistryClient chunked =
            RegistryClient.create(
                ItImages.options(registry, recorder)
                    .chunkSize(2 * 1024 * 1024)
                    .monolithicUploadMaxBytes(1024)
                    .build());
        RegistryClient streamed = client()) {
      assertEquals(
          PushOutcome.UPLOADED,
          chunked.pushBlob(
              ref("chunks/a"), big.descriptor(), BlobContent.ofFile(big.file()), null));
      assertEquals(
          PushOutcome.UPLOADED,
          streamed.pushBlob(
              ref("chunks/a"), mid.descriptor(), BlobContent.ofFile(mid.file()), null));
      for (ItImages.Layer l : List.of(big, mid)) {
        assertEquals(
            l.descriptor().size(),
            streamed.blobSize(ref("chunks/a"), l.descriptor().digest()).orElseThrow());
        try (InputStream in = streamed.openBlob(ref("chunks/a"), l.descriptor())) {
          in.transferTo(java.io.OutputStream.nullOutputStream()); // verified while read
        }
      }
    }
    String log = registry.log();
    long patches =
        log.lines().filter(l -> l.contains("\"PATCH /v2/chunks/a/blobs/uploads/")).count();
    assertEquals(5 + 1, patches, "5 chunks of 2 MiB for the big blob, one streamed PATCH:\n" + log);
  }

  @Test
  void listsAllTags() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "tags");
    List<String> tags = List.of("a", "b", "c", "d", "e");
    try (RegistryClient client = client()) {
      client.pushImage(ref("tags/app:a"), image.push(), tags);
      // docker-registry 2.8 pages in storage order, not sorted; each tag must come exactly once.
      assertEquals(tags, client.listTags(ref("tags/app"), 2).stream().sorted().toList());
      assertEquals(tags, client.listTags(ref("tags/app")).stream().sorted().toList());
    }
    // docker-registry 2.8 ignores n and sends no Link header, so one request answers; the
    // pagination itself is covered against the fake registry (PullTest.blobSizeAndTags).
    assertEquals(
        1,
        registry.log().lines().filter(l -> l.contains("GET /v2/tags/app/tags/list?n=2")).count());
  }

  @Test
  void referrersFallBackToTheTagSchemaOnARegistryWithoutTheApi() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "subject");
    ItImages.Built sbom =
        ItImages.image(
            List.of(ItImages.randomLayer(100, 3, work.resolve("sbom"))),
            MediaType.OCI_MANIFEST,
            "sbom");
    try (RegistryClient client = client()) {
      client.pushImage(ref("refs/app:1"), image.push(), List.of());
      ImageManifest sbomManifest =
          sbom.manifest()
              .withArtifactType("application/spdx+json")
              .withSubject(image.manifest().descriptor());
      client.pushImage(
          ref("refs/app"),
          new dev.kiln.registry.client.ImageToPush(sbomManifest, sbom.push().blobs()),
          List.of());
      Descriptor entry =
          new Descriptor(
              MediaType.OCI_MANIFEST,
              sbomManifest.digest(),
              sbomManifest.raw().size(),
              null,
              null,
              null,
              "application/spdx+json",
              null,
              null);
      Digest subject = image.manifest().digest();
      client.pushManifest(
          ref("refs/app"),
          ImageIndex.of(MediaType.OCI_INDEX, List.of(entry)),
          List.of("sha256-" + subject.hex()));
      assertEquals(List.of(entry), client.referrers(ref("refs/app"), subject, null));
      assertEquals(List.of(), client.referrers(ref("refs/app"), subject, "application/other"));
    }
  }

  @Test
  void errorsNameTheReferenceStatusAndRegistryCodes() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "errors");
    try (RegistryClient client = client()) {
      var missing =
          assertThrows(NotFoundException.class, () -> client.fetchManifest(ref("errors/none:1")));
      assertTrue(
          missing.getMessage().contains(ref("errors/none:1").toString()), missing.getMessage());
      assertTrue(missing.getMessage().contains("HTTP 404"), missing.getMessage());
      assertTrue(
          missing.hasCode("MANIFEST_UNKNOWN") || missing.hasCode("NAME_UNKNOWN"),
          missing.getMessage());

      // A manifest whose blobs are not there is refused, and the refusal is explained.
      var invalid =
          assertThrows(
              RegistryException.class,
              () -> client.pushManifest(ref("errors/app:1"), image.manifest(), List.of()));
      assertEquals(400, invalid.status());
      assertTrue(invalid.hasCode("MANIFEST_BLOB_UNKNOWN"), invalid.getMessage());
      assertTrue(invalid.getMessage().contains("push the blobs first"), invalid.getMessage());
      assertFalse(client.head(ref("errors/app:1")).isPresent());
    }
  }

  @Test
  void progressEventsCoverEveryByte() throws IOException {
    ItImages.Layer layer = ItImages.randomLayer(3 * 1024 * 1024, 9, work.resolve("p"));
    try (RegistryClient client = client()) {
      client.pushBlob(
          ref("progress/a"), layer.descriptor(), BlobContent.ofFile(layer.file()), null);
      try (InputStream in = client.openBlob(ref("progress/a"), layer.descriptor())) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
    }
    for (RegistryEvent.Direction direction : RegistryEvent.Direction.values()) {
      List<Long> seen =
          recorder.of(RegistryEvent.BlobProgress.class).stream()
              .filter(p -> p.direction() == direction)
              .map(RegistryEvent.BlobProgress::bytesSoFar)
              .toList();
      assertEquals(layer.descriptor().size(), seen.get(seen.size() - 1), direction.toString());
      assertTrue(seen.size() >= 10, direction + ": " + seen.size() + " progress events");
    }
  }
}
