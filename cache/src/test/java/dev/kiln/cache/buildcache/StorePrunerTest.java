package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.BlobDiffIds;
import dev.kiln.cache.store.CacheMounts;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.cache.store.LayerRecord;
import dev.kiln.cache.store.PendingBlob;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.cache.store.StoredBlob;
import dev.kiln.cache.store.UnpackedLayers;
import dev.kiln.cache.store.WorkspaceLock;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorePrunerTest {
  private static final Instant LONG_AGO = Instant.parse("2001-01-01T00:00:00Z");

  @TempDir Path dir;
  private ContentStore store;
  private BuildCache cache;
  private StorePruner pruner;

  @BeforeEach
  void open() throws IOException {
    store = ContentStore.open(dir.resolve("store"));
    MutableClock clock = new MutableClock(Instant.now());
    cache = new BuildCache(store, clock);
    pruner = new StorePruner(store, cache, clock);
  }

  private Digest oldBlob(String content) throws IOException {
    StoredBlob blob = store.blobWriter().write(content.getBytes(StandardCharsets.UTF_8));
    TestResults.age(store, blob.digest(), LONG_AGO);
    return blob.digest();
  }

  /** An image (manifest, config, one layer) tagged in index.json, all blobs old. */
  private List<Digest> taggedImage() throws IOException {
    Digest config = oldBlob("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    Digest layer = oldBlob("image layer");
    ImageManifest manifest =
        ImageManifest.of(
            MediaType.OCI_MANIFEST,
            Descriptor.of(
                MediaType.OCI_CONFIG, config, store.blobReader().size(config).getAsLong()),
            List.of(
                Descriptor.of(
                    MediaType.OCI_LAYER_GZIP, layer, store.blobReader().size(layer).getAsLong())));
    StoredBlob m = store.blobWriter().write(manifest.raw().toByteArray());
    TestResults.age(store, m.digest(), LONG_AGO);
    store.index().tag("app:1", IndexEntry.of(MediaType.OCI_MANIFEST, m.digest(), m.size()));
    return List.of(m.digest(), config, layer);
  }

  private boolean has(Digest d) {
    return store.blobReader().contains(d);
  }

  @Test
  void collectsOldUnreferencedBlobsAndKeepsEverythingReferencedOrYoung() throws IOException {
    List<Digest> image = taggedImage();
    CachedLayer cached = TestResults.layer(store, 1, 300);
    TestResults.age(store, cached.blob().digest(), LONG_AGO);
    cache.store(TestResults.key("a"), TestResults.result("RUN a", cached));
    TestResults.age(store, cached.blob().digest(), LONG_AGO);
    Digest garbage = oldBlob("nobody needs me");
    Digest young =
        store.blobWriter().write("just written".getBytes(StandardCharsets.UTF_8)).digest();

    PruneReport report = pruner.prune(PruneOptions.unreferencedOnly());

    image.forEach(d -> assertTrue(has(d), "image blob " + d + " was collected"));
    assertTrue(has(cached.blob().digest()), "cache entry blob was collected");
    assertFalse(has(garbage));
    assertTrue(has(young), "a blob younger than the grace period was collected");
    assertEquals(List.of(), report.removedEntries());
    assertEquals(1, report.removedBlobs());
    assertEquals("nobody needs me".length(), report.freedBytes());
    assertEquals(1, report.keptYoungBlobs());
  }

  @Test
  void allRemovesEntriesThenTheirBlobsButNotImages() throws IOException {
    List<Digest> image = taggedImage();
    CachedLayer cached = TestResults.layer(store, 2, 300);
    cache.store(TestResults.key("a"), TestResults.result("RUN a", cached));
    TestResults.age(store, cached.blob().digest(), LONG_AGO);
    StorePaths paths = store.paths();
    Files.createDirectories(paths.statMemoDirectory());
    Files.writeString(paths.statMemo(dir), "memo");

    PruneReport report =
        pruner.prune(
            new PruneOptions(
                true, OptionalLong.empty(), Optional.empty(), PruneOptions.DEFAULT_GRACE));

    assertEquals(List.of(TestResults.key("a")), report.removedEntries());
    assertEquals(List.of(), cache.entries());
    assertFalse(has(cached.blob().digest()));
    image.forEach(d -> assertTrue(has(d)));
    assertEquals(1, report.removedStatMemos());
    assertFalse(Files.exists(paths.statMemo(dir)));
  }

  @Test
  void aBlobSharedByAnImageAndARemovedEntryStays() throws IOException {
    List<Digest> image = taggedImage();
    Digest layer = image.get(2);
    CachedLayer shared =
        new CachedLayer(
            Descriptor.of(
                MediaType.OCI_LAYER_GZIP, layer, store.blobReader().size(layer).getAsLong()),
            layer,
            1);
    cache.store(TestResults.key("a"), TestResults.result("RUN a", shared));
    TestResults.age(store, layer, LONG_AGO);

    pruner.prune(new PruneOptions(true, OptionalLong.empty(), Optional.empty(), Duration.ZERO));

    assertTrue(has(layer));
  }

  @Test
  void brokenEntriesAreRemovedEvenWithoutOptions() throws IOException {
    CachedLayer layer = TestResults.layer(store, 3, 10);
    cache.store(TestResults.key("a"), TestResults.result("RUN a", layer));
    Files.delete(store.paths().blob(layer.blob().digest()));

    PruneReport report = pruner.prune(PruneOptions.unreferencedOnly());

    assertEquals(List.of(TestResults.key("a")), report.removedEntries());
  }

  @Test
  void abandonedTempFilesGoButALiveWritersTempFileStays() throws IOException {
    Path abandoned = store.paths().newBlobTempFile("sha256");
    Files.writeString(abandoned, "half a blob");
    Files.setLastModifiedTime(abandoned, FileTime.from(LONG_AGO));
    Path freshAbandoned = store.paths().newBlobTempFile("sha256");
    Files.writeString(freshAbandoned, "being renamed any moment");

    try (PendingBlob live = store.blobWriter().begin()) {
      live.write("in progress".getBytes(StandardCharsets.UTF_8));
      Path liveTemp;
      try (var files = Files.list(store.paths().blobDirectory("sha256"))) {
        liveTemp =
            files
                .filter(StorePaths::isTempFile)
                .filter(p -> !p.equals(abandoned) && !p.equals(freshAbandoned))
                .findFirst()
                .orElseThrow();
      }
      Files.setLastModifiedTime(liveTemp, FileTime.from(LONG_AGO));
      assertTrue(PendingBlob.isBeingWritten(liveTemp));

      PruneReport report = pruner.prune(PruneOptions.unreferencedOnly());

      assertFalse(Files.exists(abandoned));
      assertTrue(Files.exists(freshAbandoned));
      assertTrue(Files.exists(liveTemp), "a live writer's temp file was deleted");
      assertEquals(1, report.removedTempFiles());
      assertEquals(2, report.keptLiveTempFiles());
      Digest committed = live.commit().digest();
      assertTrue(has(committed));
    }
  }

  @Test
  void layerRecordsOfCollectedBlobsAreRemoved() throws IOException {
    Digest blob = oldBlob("compressed layer");
    Digest diffId = Digest.sha256("tar".getBytes(StandardCharsets.UTF_8));
    store
        .layerRecords()
        .put(new LayerRecord(diffId, "gzip", blob, 16, MediaType.OCI_LAYER_GZIP, 3));
    TestResults.age(store, blob, LONG_AGO);

    PruneReport report = pruner.prune(PruneOptions.unreferencedOnly());

    assertFalse(has(blob));
    assertEquals(1, report.removedLayerRecords());
    assertFalse(Files.exists(store.paths().layerRecord("gzip", diffId)));
  }

  @Test
  void rewritingAnOldUnreferencedBlobRetainsIt() throws IOException {
    Digest blob = oldBlob("reused content");
    // A build producing the same bytes again finds the blob present and relies on it.
    assertTrue(
        store
            .blobWriter()
            .write("reused content".getBytes(StandardCharsets.UTF_8))
            .alreadyPresent());

    pruner.prune(PruneOptions.unreferencedOnly());

    assertTrue(has(blob));
  }

  @Test
  void abandonedTempFilesOfAtomicReplacesGoToo() throws IOException {
    Path indexTemp = StorePaths.newTempFileNextTo(store.paths().indexFile());
    Files.createDirectories(store.paths().statMemoDirectory());
    Path memoTemp = StorePaths.newTempFileNextTo(store.paths().statMemo(dir));
    Files.createDirectories(store.paths().buildCacheDirectory().resolve("sha256"));
    Path entryTemp =
        StorePaths.newTempFileNextTo(store.paths().buildCacheEntry(TestResults.key("a").digest()));
    for (Path temp : List.of(indexTemp, memoTemp, entryTemp)) {
      Files.writeString(temp, "partial");
      Files.setLastModifiedTime(temp, FileTime.from(LONG_AGO));
    }

    PruneReport report = pruner.prune(PruneOptions.unreferencedOnly());

    assertEquals(3, report.removedTempFiles());
    for (Path temp : List.of(indexTemp, memoTemp, entryTemp)) {
      assertFalse(Files.exists(temp), temp + " survived");
    }
    assertTrue(Files.exists(store.paths().indexFile()));
  }

  /** An unpacked layer directory with a file inside, last used at {@code lastUse}. */
  private Path unpackedLayer(String hexDigit, Instant lastUse) throws IOException {
    Path layer =
        Files.createDirectories(
            UnpackedLayers.directory(store.paths().root()).resolve(hexDigit.repeat(64)));
    Files.createDirectories(layer.resolve("usr/bin"));
    Files.writeString(layer.resolve("usr/bin/tool"), "binary");
    UnpackedLayers.markUsed(layer);
    Files.setLastModifiedTime(
        layer.resolveSibling(layer.getFileName() + ".used"), FileTime.from(lastUse));
    return layer;
  }

  @Test
  void unpackedLayersStayWithoutAllOrAnUntilFilter() throws IOException {
    Path old = unpackedLayer("a", LONG_AGO);
    PruneReport report = pruner.prune(PruneOptions.unreferencedOnly());
    assertTrue(Files.isDirectory(old));
    assertEquals(0, report.removedUnpackedLayers());
  }

  @Test
  void untilRemovesOnlyUnpackedLayersUnusedThatLong() throws IOException {
    Path old = unpackedLayer("a", LONG_AGO);
    Path recent = unpackedLayer("b", Instant.now());
    Path leftover =
        Files.createDirectories(
            UnpackedLayers.directory(store.paths().root()).resolve(".unpack-123"));
    PruneReport report =
        pruner.prune(
            new PruneOptions(
                false,
                OptionalLong.empty(),
                Optional.of(Duration.ofHours(24)),
                PruneOptions.DEFAULT_GRACE));
    assertFalse(Files.exists(old));
    assertFalse(Files.exists(old.resolveSibling(old.getFileName() + ".used")));
    assertFalse(Files.exists(leftover));
    assertTrue(Files.isDirectory(recent));
    assertEquals(2, report.removedUnpackedLayers());
    assertEquals("binary".length(), report.unpackedLayerBytes());
  }

  @Test
  void allRemovesEveryUnpackedLayerButNotWhileABuildIsAlive() throws Exception {
    Path recent = unpackedLayer("b", Instant.now());
    Path workspace =
        Files.createDirectories(store.paths().workspacesDirectory().resolve("build-1"));
    PruneOptions all =
        new PruneOptions(true, OptionalLong.empty(), Optional.empty(), PruneOptions.DEFAULT_GRACE);
    try (FileChannel alive = WorkspaceLock.hold(workspace)) {
      // A build in another process holds its lock the same way; in this one the probe sees ours.
      PruneReport report = pruner.prune(all);
      assertTrue(report.unpackedLayersKeptForRunningBuild());
      assertTrue(Files.isDirectory(recent));
    }
    PruneReport report = pruner.prune(all);
    assertFalse(report.unpackedLayersKeptForRunningBuild());
    assertFalse(Files.exists(recent));
    assertEquals(1, report.removedUnpackedLayers());
  }

  /** An image stored by its digest only (a build without -t), all blobs written at {@code when}. */
  private Digest untaggedImage(String layerContent, Instant when) throws IOException {
    Digest config = oldBlob("{\"architecture\":\"amd64\",\"os\":\"linux\"}");
    Digest layer = oldBlob(layerContent);
    ImageManifest manifest =
        ImageManifest.of(
            MediaType.OCI_MANIFEST,
            Descriptor.of(
                MediaType.OCI_CONFIG, config, store.blobReader().size(config).getAsLong()),
            List.of(
                Descriptor.of(
                    MediaType.OCI_LAYER_GZIP, layer, store.blobReader().size(layer).getAsLong())));
    StoredBlob m = store.blobWriter().write(manifest.raw().toByteArray());
    TestResults.age(store, m.digest(), when);
    store
        .index()
        .tag(m.digest().toString(), IndexEntry.of(MediaType.OCI_MANIFEST, m.digest(), m.size()));
    return m.digest();
  }

  @Test
  void untaggedImagesGoByAgeLikeCacheEntriesAndNamedOnesStay() throws IOException {
    List<Digest> named = taggedImage();
    Digest old = untaggedImage("old untagged layer", LONG_AGO);
    Digest recent = untaggedImage("recent untagged layer", Instant.now());

    PruneReport plain = pruner.prune(PruneOptions.unreferencedOnly());
    assertEquals(List.of(), plain.removedUntaggedImages(), "a plain prune keeps every image");

    PruneReport until =
        pruner.prune(
            new PruneOptions(
                false,
                OptionalLong.empty(),
                Optional.of(Duration.ofDays(1)),
                PruneOptions.DEFAULT_GRACE));
    assertEquals(List.of(old), until.removedUntaggedImages());
    assertFalse(has(old), "its manifest is collected with it");

    PruneReport all =
        pruner.prune(
            new PruneOptions(
                true, OptionalLong.empty(), Optional.empty(), PruneOptions.DEFAULT_GRACE));
    assertEquals(List.of(recent), all.removedUntaggedImages());
    assertEquals(1, store.index().entries().size());
    named.forEach(d -> assertTrue(has(d)));
  }

  /** A cache mount directory with {@code bytes} of content, last used at {@code lastUse}. */
  private CacheMounts.CacheMount cacheMount(String id, int bytes, Instant lastUse)
      throws IOException {
    Path mount =
        Files.createDirectories(
            CacheMounts.directory(store.paths().root()).resolve(CacheMounts.nameOf(id)));
    Files.write(mount.resolve("content"), new byte[bytes]);
    CacheMounts.markUsed(mount);
    Files.setLastModifiedTime(
        mount.resolveSibling(mount.getFileName() + ".used"), FileTime.from(lastUse));
    return new CacheMounts.CacheMount(mount, lastUse);
  }

  @Test
  void cacheMountsGoByIdOrAllButNeverWhileABuildIsAlive() throws Exception {
    CacheMounts.CacheMount go = cacheMount("/root/.cache/go-build", 100, LONG_AGO);
    CacheMounts.CacheMount maven = cacheMount("maven", 100, Instant.now());
    CacheKey key = TestResults.key("kept");
    cache.store(key, TestResults.result("RUN a", TestResults.layer(store, 4, 10)));

    PruneReport plain = pruner.prune(PruneOptions.unreferencedOnly());
    assertEquals(0, plain.removedCacheMounts());
    assertTrue(Files.isDirectory(go.dir()));

    Path workspace =
        Files.createDirectories(store.paths().workspacesDirectory().resolve("build-1"));
    try (FileChannel alive = WorkspaceLock.hold(workspace)) {
      PruneReport report = pruner.prune(PruneOptions.cacheMounts(Set.of(), Optional.empty()));
      assertTrue(report.unpackedLayersKeptForRunningBuild());
      assertEquals(0, report.removedCacheMounts());
      assertTrue(Files.isDirectory(go.dir()), "a running build may have it mounted");
    }

    PruneReport byId =
        pruner.prune(PruneOptions.cacheMounts(Set.of("/root/.cache/go-build"), Optional.empty()));
    assertEquals(1, byId.removedCacheMounts());
    assertFalse(Files.exists(go.dir()));
    assertFalse(Files.exists(go.dir().resolveSibling(go.name() + ".used")));
    assertTrue(Files.isDirectory(maven.dir()));
    assertTrue(cache.lookup(key).isPresent(), "--mounts removes no cache entry");

    PruneReport all = pruner.prune(PruneOptions.cacheMounts(Set.of(), Optional.empty()));
    assertEquals(1, all.removedCacheMounts());
    assertFalse(Files.exists(maven.dir()));
  }

  @Test
  void keepStorageCountsUnpackedLayersAndCacheMounts() throws IOException {
    Path layer = unpackedLayer("c", LONG_AGO);
    Files.write(layer.resolve("big"), new byte[200_000]);
    CacheMounts.CacheMount mount = cacheMount("npm", 200_000, Instant.now().minusSeconds(60));
    CachedLayer cached = TestResults.layer(store, 5, 100);
    cache.store(TestResults.key("recent"), TestResults.result("RUN a", cached));

    // The cache entries' blobs alone fit; the store on disk does not, until the least recently
    // used directory (the unpacked layer) goes. The entry, used last, stays.
    PruneReport report =
        pruner.prune(
            new PruneOptions(
                false, OptionalLong.of(300_000), Optional.empty(), PruneOptions.DEFAULT_GRACE));

    assertEquals(1, report.removedUnpackedLayers());
    assertFalse(Files.exists(layer));
    assertTrue(Files.isDirectory(mount.dir()));
    assertEquals(List.of(), report.removedEntries());
    assertTrue(report.storeBytesAfter() < report.storeBytesBefore() - 200_000, report.toString());
  }

  @Test
  void perLayerAndPerBlobFactsOfWhatIsGoneAreRemoved() throws IOException {
    CachedLayer gone = TestResults.layer(store, 6, 100);
    cache.store(TestResults.key("gone"), TestResults.result("RUN a", gone));
    TestResults.age(store, gone.blob().digest(), LONG_AGO);
    CachedLayer kept = TestResults.layer(store, 7, 100);
    cache.store(TestResults.key("kept"), TestResults.result("RUN b", kept));
    Files.setLastModifiedTime(
        store.paths().buildCacheEntry(TestResults.key("gone").digest()), FileTime.from(LONG_AGO));
    for (CachedLayer l : List.of(gone, kept)) {
      for (Path perLayer :
          List.of(store.paths().layerIndex(l.diffId()), store.paths().layerPackages(l.diffId()))) {
        Files.createDirectories(perLayer.getParent());
        Files.writeString(perLayer, "per layer");
        Files.setLastModifiedTime(perLayer, FileTime.from(LONG_AGO));
      }
      store.blobOrigins().record(l.blob().digest(), "registry.example/base");
      Files.setLastModifiedTime(
          store.paths().blobOrigins(l.blob().digest()), FileTime.from(LONG_AGO));
      new BlobDiffIds(store.paths()).record(l.blob().digest(), l.diffId());
      Files.setLastModifiedTime(
          store.paths().blobDiffId(l.blob().digest()), FileTime.from(LONG_AGO));
    }

    PruneReport report =
        pruner.prune(
            new PruneOptions(
                false,
                OptionalLong.empty(),
                Optional.of(Duration.ofDays(1)),
                PruneOptions.DEFAULT_GRACE));

    assertEquals(List.of(TestResults.key("gone")), report.removedEntries());
    assertFalse(has(gone.blob().digest()));
    assertFalse(Files.exists(store.paths().layerIndex(gone.diffId())));
    assertFalse(Files.exists(store.paths().layerPackages(gone.diffId())));
    assertFalse(Files.exists(store.paths().blobOrigins(gone.blob().digest())));
    assertFalse(Files.exists(store.paths().blobDiffId(gone.blob().digest())));
    assertEquals(
        Optional.of(kept.diffId()),
        new BlobDiffIds(store.paths()).find(kept.blob().digest()),
        "the kept blob's verified diffID stays");
    assertTrue(Files.exists(store.paths().layerIndex(kept.diffId())));
    assertTrue(Files.exists(store.paths().layerPackages(kept.diffId())));
    assertTrue(Files.exists(store.paths().blobOrigins(kept.blob().digest())));
    assertEquals(1, report.removedLayerIndexes());
    assertEquals(1, report.removedBlobOrigins());
  }
}
