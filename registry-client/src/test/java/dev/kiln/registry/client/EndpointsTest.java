package dev.kiln.registry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.Headers;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RepositoryScope;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each endpoint's request and response handling, without a server. */
class EndpointsTest {
  private static final ImageReference REPO = ImageReference.parse("registry.example/team/app:1");
  private static final Digest D = Digest.sha256(new byte[] {1, 2, 3});

  private static RegistryResponse answer(RegistryRequest request, int status, String... headers) {
    return RegistryResponse.buffered(request, status, Headers.of(headers), new byte[0]);
  }

  private static RegistryResponse answer(
      RegistryRequest request, int status, byte[] body, String... headers) {
    return RegistryResponse.buffered(request, status, Headers.of(headers), body);
  }

  @Test
  void blobHeadAsksWithTheRightScopeAndReadsSizeOr404() {
    BlobHead push = new BlobHead(REPO, D, true);
    RegistryRequest r = push.request();
    assertEquals("HEAD", r.method());
    assertEquals(URI.create("https://registry.example/v2/team/app/blobs/" + D), r.uri());
    assertEquals("registry.example", r.registryHost());
    assertEquals(List.of(RepositoryScope.pullPush("team/app")), r.scopes());
    assertEquals(
        List.of(RepositoryScope.pull("team/app")), new BlobHead(REPO, D, false).request().scopes());
    assertTrue(push.handles(404));
    assertFalse(push.handles(401));
    assertEquals(42L, push.handle(answer(r, 200, "Content-Length", "42")).orElseThrow());
    assertTrue(push.handle(answer(r, 404)).isEmpty());
  }

  @Test
  void manifestGetAcceptsEveryTypeAndVerifiesDigests() throws IOException {
    ImageManifest m =
        ImageManifest.of(
            MediaType.OCI_MANIFEST, Descriptor.of(MediaType.OCI_CONFIG, D, 3), List.of());
    byte[] bytes = m.raw().toByteArray();
    ManifestGet byTag = new ManifestGet(REPO);
    RegistryRequest r = byTag.request();
    assertEquals("https://registry.example/v2/team/app/manifests/1", r.uri().toString());
    assertTrue(r.headers().first("Accept").contains(MediaType.DOCKER_MANIFEST_LIST));
    assertTrue(r.headers().first("Accept").contains(MediaType.OCI_INDEX));
    assertTrue(r.bufferLimit() > 0, "manifests are buffered so a cut-short body is retried");
    assertEquals(
        m,
        byTag
            .handle(answer(r, 200, bytes, "Docker-Content-Digest", m.digest().toString()))
            .manifest());
    assertThrows(
        ContentVerificationException.class,
        () -> byTag.handle(answer(r, 200, bytes, "Docker-Content-Digest", D.toString())));

    ManifestGet byDigest = new ManifestGet(REPO.withDigest(D));
    assertTrue(byDigest.request().uri().toString().endsWith("/manifests/" + D));
    assertThrows(ContentVerificationException.class, () -> byDigest.handle(answer(r, 200, bytes)));
  }

  @Test
  void manifestHeadReadsTheDescriptorFromHeaders() {
    ManifestHead head = new ManifestHead(REPO, false);
    RegistryRequest r = head.request();
    Descriptor d =
        head.handle(
                answer(
                    r,
                    200,
                    "Docker-Content-Digest",
                    D.toString(),
                    "Content-Type",
                    MediaType.OCI_INDEX + "; charset=utf-8",
                    "Content-Length",
                    "123"))
            .orElseThrow()
            .descriptor();
    assertEquals(Descriptor.of(MediaType.OCI_INDEX, D, 123), d);
    assertNull(head.handle(answer(r, 200, "Content-Length", "1")).orElseThrow().descriptor());
    assertTrue(head.handle(answer(r, 404)).isEmpty());
  }

  @Test
  void uploadStartOpensASessionOrReportsAMount() throws RegistryException {
    ImageReference base = ImageReference.parse("registry.example/team/base");
    UploadStart mount = new UploadStart(REPO, D, base);
    RegistryRequest r = mount.request();
    assertEquals(
        "https://registry.example/v2/team/app/blobs/uploads/?mount=sha256%3A"
            + D.hex()
            + "&from=team%2Fbase",
        r.uri().toString());
    assertTrue(r.canRetry(), "starting a session twice is harmless");
    assertEquals(
        List.of(RepositoryScope.pullPush("team/app"), RepositoryScope.pull("team/base")),
        r.scopes());
    assertInstanceOf(UploadStart.Mounted.class, mount.handle(answer(r, 201)));
    UploadStart.Result started =
        mount.handle(
            answer(
                r,
                202,
                "Location",
                "/v2/team/app/blobs/uploads/u1?_state=a%2Bb",
                "OCI-Chunk-Min-Length",
                "5242880"));
    UploadSession session = ((UploadStart.Started) started).session();
    assertEquals(
        URI.create("https://registry.example/v2/team/app/blobs/uploads/u1?_state=a%2Bb"),
        session.location());
    assertEquals(5242880, session.minChunkLength());
    assertThrows(RegistryException.class, () -> new UploadStart(REPO).handle(answer(r, 202)));
  }

  @Test
  void patchesAndCommitsGoToTheSessionLocation() throws RegistryException {
    UploadSession session =
        new UploadSession(
            URI.create("https://registry.example/v2/team/app/blobs/uploads/u1?_state=x"),
            0,
            "registry.example",
            List.of(RepositoryScope.pullPush("team/app")));
    UploadPatch patch =
        new UploadPatch(
            session,
            dev.kiln.registry.transport.RequestBody.of(new byte[10], null),
            20,
            true,
            "blob");
    RegistryRequest r = patch.request();
    assertEquals("PATCH", r.method());
    assertEquals("20-29", r.headers().first("Content-Range"));
    assertFalse(r.canRetry());
    UploadPatch.Result result =
        patch.handle(
            answer(
                r,
                202,
                "Location",
                "https://registry.example/v2/team/app/blobs/uploads/u1?_state=y",
                "Range",
                "0-29"));
    assertEquals(30, result.bytesStored());
    assertTrue(result.session().location().toString().endsWith("_state=y"));

    RegistryRequest commit = new UploadCommit(result.session(), D, null, "blob").request();
    assertEquals(
        "https://registry.example/v2/team/app/blobs/uploads/u1?_state=y&digest=sha256%3A" + D.hex(),
        commit.uri().toString());
    assertEquals(0, commit.body().length());

    // A location on another host gets no registry credentials.
    UploadSession elsewhere = session.movedTo(URI.create("https://uploads.example/session/1"));
    assertNull(new UploadStatus(elsewhere, "blob").request().registryHost());
  }

  @Test
  void rangeHeadersAreReadCarefully() {
    assertEquals(100, UploadStatus.storedBytes("0-99"));
    assertEquals(0, UploadStatus.storedBytes("0-0"));
    assertEquals(-1, UploadStatus.storedBytes(null));
    assertEquals(-1, UploadStatus.storedBytes("junk"));
    RegistryRequest get = new BlobGet(REPO, D, 100).request();
    assertEquals("bytes=100-", get.headers().first("Range"));
    assertNull(new BlobGet(REPO, D, 0).request().headers().first("Range"));
    assertEquals(100, BlobGet.bodyOffset(answer(get, 206, "Content-Range", "bytes 100-199/200")));
    assertEquals(0, BlobGet.bodyOffset(answer(get, 200)));
    assertEquals(-1, BlobGet.bodyOffset(answer(get, 206)));
  }

  @Test
  void tagPagesFollowTheLinkHeader() throws IOException {
    TagsPage page = new TagsPage(REPO, ApiUrls.tags(REPO, 2));
    RegistryRequest r = page.request();
    TagsPage.Page p =
        page.handle(
            answer(
                r,
                200,
                "{\"name\":\"team/app\",\"tags\":[\"a\",\"b\"]}".getBytes(),
                "Link",
                "</v2/team/app/tags/list?last=b&n=2>; rel=\"next\""));
    assertEquals(List.of("a", "b"), p.tags());
    assertEquals(URI.create("https://registry.example/v2/team/app/tags/list?last=b&n=2"), p.next());
    assertNull(page.handle(answer(r, 200, "{\"tags\":null}".getBytes())).next());
  }

  @Test
  void referrersComeFromTheApiWhenTheRegistryHasIt() throws IOException {
    ReferrersGet get = new ReferrersGet(REPO, D, "application/spdx+json");
    RegistryRequest r = get.request();
    assertEquals(
        "https://registry.example/v2/team/app/referrers/"
            + D
            + "?artifactType=application%2Fspdx%2Bjson",
        r.uri().toString());
    dev.kiln.registry.model.ImageIndex index =
        dev.kiln.registry.model.ImageIndex.of(
            MediaType.OCI_INDEX, List.of(Descriptor.of(MediaType.OCI_MANIFEST, D, 3)));
    assertEquals(
        index,
        get.handle(answer(r, 200, index.raw().toByteArray(), "Content-Type", MediaType.OCI_INDEX))
            .orElseThrow());
    assertTrue(get.handle(answer(r, 404)).isEmpty(), "no API: the caller falls back to the tag");
    assertTrue(
        get.handle(answer(r, 200, "<html/>".getBytes(), "Content-Type", "text/html")).isEmpty());
  }

  @Test
  void apiUrlsKeepExistingQueries() {
    assertEquals(
        "https://r/x?a=1&digest=sha256%3Aab",
        ApiUrls.withQuery(URI.create("https://r/x?a=1"), "digest", "sha256:ab").toString());
    assertEquals(
        "https://r/x?digest=d",
        ApiUrls.withQuery(URI.create("https://r/x"), "digest", "d").toString());
    assertEquals(
        "https://registry-1.docker.io/v2/library/busybox/manifests/latest",
        ApiUrls.manifest(ImageReference.parse("busybox"), "latest").toString());
  }
}
