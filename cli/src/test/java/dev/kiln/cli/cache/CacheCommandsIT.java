package dev.kiln.cli.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.buildcache.BuildCache;
import dev.kiln.cache.buildcache.CacheKey;
import dev.kiln.cache.buildcache.CacheResult;
import dev.kiln.cache.buildcache.CachedLayer;
import dev.kiln.cache.store.CacheMounts;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.cache.store.StoredBlob;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.Main;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln cache du} and {@code kiln cache prune}, run in-process against a real store. */
class CacheCommandsIT {
  private static final Instant LONG_AGO = Instant.parse("2001-01-01T00:00:00Z");

  @TempDir Path dir;
  private Path root;
  private ContentStore store;
  private BuildCache cache;

  private record Result(int code, String out, String err) {}

  private Result kiln(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliEnvironment cli =
        new CliEnvironment(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            false,
            () -> {
              throw new IllegalStateException("no engine in cache commands");
            });
    int code = Main.run(cli, args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Result kiln(String... args) {
    return kiln(Map.of(), args);
  }

  @BeforeEach
  void store() throws IOException {
    root = dir.resolve("store");
    store = ContentStore.open(root);
    cache = BuildCache.open(store);
  }

  private Digest oldBlob(byte[] content) throws IOException {
    StoredBlob b = store.blobWriter().write(content);
    Files.setLastModifiedTime(store.paths().blob(b.digest()), FileTime.from(LONG_AGO));
    return b.digest();
  }

  private CachedLayer layer(String content) throws IOException {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    Digest d = oldBlob(bytes);
    return new CachedLayer(
        Descriptor.of(MediaType.OCI_LAYER_GZIP, d, bytes.length), d, bytes.length);
  }

  private CacheKey entry(String name, String layerContent, Instant lastUsed) throws IOException {
    CacheKey key = new CacheKey(Digest.sha256(name.getBytes(StandardCharsets.UTF_8)));
    CachedLayer l = layer(layerContent);
    cache.store(
        key,
        new CacheResult(
            List.of(l),
            History.of(null, "RUN " + name, false),
            "{}".getBytes(StandardCharsets.UTF_8)));
    Files.setLastModifiedTime(store.paths().blob(l.blob().digest()), FileTime.from(LONG_AGO));
    Files.setLastModifiedTime(store.paths().buildCacheEntry(key.digest()), FileTime.from(lastUsed));
    return key;
  }

  private Digest image() throws IOException {
    Digest config =
        oldBlob("{\"os\":\"linux\",\"architecture\":\"amd64\"}".getBytes(StandardCharsets.UTF_8));
    Digest layer = oldBlob("image layer bytes".getBytes(StandardCharsets.UTF_8));
    ImageManifest m =
        ImageManifest.of(
            MediaType.OCI_MANIFEST,
            Descriptor.of(
                MediaType.OCI_CONFIG, config, store.blobReader().size(config).getAsLong()),
            List.of(Descriptor.of(MediaType.OCI_LAYER_GZIP, layer, 17)));
    Digest manifest = oldBlob(m.raw().toByteArray());
    store.index().tag("app:1", IndexEntry.of(MediaType.OCI_MANIFEST, manifest, m.raw().size()));
    return layer;
  }

  @Test
  void duListsEntriesImagesAndTotals() throws IOException {
    CacheKey key = entry("build", "x".repeat(1500), Instant.parse("2030-01-02T03:04:05Z"));
    image();
    oldBlob("garbage".getBytes(StandardCharsets.UTF_8));

    Result r = kiln("cache", "du", "--cache-dir", root.toString());

    assertEquals(0, r.code(), r.err());
    String row =
        r.out()
            .lines()
            .filter(l -> l.startsWith(key.digest().shortHex()))
            .findFirst()
            .orElseThrow();
    assertEquals(
        List.of(key.digest().shortHex(), "1.5kB", "2030-01-02T03:04:05Z", "1"),
        List.of(row.split("\\s+")));
    assertTrue(r.out().contains("app:1"), r.out());
    assertTrue(r.out().contains("Build cache: 1 entry, 1.5kB"), r.out());
    assertTrue(r.out().contains("Images:      1 image,"), r.out());
    assertTrue(r.out().contains("Blobs:       5 blobs,"), r.out());
    assertTrue(r.out().contains("(7B unreferenced"), r.out());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("Total: +[0-9.]+[kMG]?B on disk")), r.out());
  }

  @Test
  void theStoreCanComeFromTheEnvironment() throws IOException {
    entry("build", "content", Instant.now());
    Result r = kiln(Map.of("KILN_CACHE_DIR", root.toString()), "cache", "du");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("Store: " + root), r.out());
    assertTrue(r.out().contains("Build cache: 1 entry"), r.out());
  }

  @Test
  void pruneWithoutOptionsOnlyCollectsUnreferencedBlobs() throws IOException {
    CacheKey key = entry("build", "cached layer", Instant.now());
    Digest imageLayer = image();
    Digest garbage = oldBlob("garbage".getBytes(StandardCharsets.UTF_8));

    Result r = kiln("cache", "prune", "--cache-dir", root.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().startsWith("Removed 0 cache entries, 0 untagged images and 1 blob; freed 7B.\n"),
        r.out());
    assertTrue(r.out().contains("The store takes "), r.out());
    assertFalse(store.blobReader().contains(garbage));
    assertTrue(store.blobReader().contains(imageLayer));
    assertTrue(cache.lookup(key).isPresent());
  }

  @Test
  void pruneUntilRemovesOnlyEntriesUnusedThatLong() throws IOException {
    CacheKey old = entry("old", "old layer", Instant.now().minus(Duration.ofDays(3)));
    CacheKey recent = entry("recent", "recent layer", Instant.now().minus(Duration.ofHours(1)));

    Result r = kiln("cache", "prune", "--filter", "until=48h", "--cache-dir", root.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Removed 1 cache entry, 0 untagged images and 1 blob"), r.out());
    assertTrue(cache.lookup(old).isEmpty());
    assertTrue(cache.lookup(recent).isPresent());
  }

  @Test
  void pruneKeepStorageEvictsLeastRecentlyUsed() throws Exception {
    CacheKey older = entry("older", "a".repeat(600), Instant.now().minus(Duration.ofDays(2)));
    CacheKey newer = entry("newer", "b".repeat(600), Instant.now().minus(Duration.ofDays(1)));
    // The limit is the whole store on disk, as du counts it: one blob (a block) too much.
    String du =
        dev.kiln.testdata.ProcessRunner.run(List.of("du", "-s", "--block-size=1", root.toString()))
            .requireSuccess()
            .stdout();
    long limit = Long.parseLong(du.split("\\s+")[0]) - 1024;

    Result r =
        kiln("cache", "prune", "--keep-storage", limit + "b", "--cache-dir", root.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(cache.lookup(older).isEmpty(), r.out());
    assertTrue(cache.lookup(newer).isPresent(), r.out());
  }

  @Test
  void pruneAllRemovesEveryEntryButKeepsImages() throws IOException {
    entry("one", "1", Instant.now());
    entry("two", "2", Instant.now());
    Digest imageLayer = image();

    Result r = kiln("cache", "prune", "--all", "--cache-dir", root.toString());

    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.out().startsWith("Removed 2 cache entries, 0 untagged images and 2 blobs"), r.out());
    assertEquals(List.of(), cache.entries());
    assertTrue(store.blobReader().contains(imageLayer));
  }

  @Test
  void badOptionsAreUsageErrors() {
    Result filter =
        kiln("cache", "prune", "--filter", "type=regular", "--cache-dir", root.toString());
    assertEquals(2, filter.code());
    assertTrue(filter.err().contains("until=DURATION"), filter.err());
    Result size = kiln("cache", "prune", "--keep-storage", "lots", "--cache-dir", root.toString());
    assertEquals(2, size.code());
    assertTrue(size.err().contains("invalid size 'lots'"), size.err());
    Result duration =
        kiln("cache", "prune", "--filter", "until=soon", "--cache-dir", root.toString());
    assertEquals(2, duration.code());
  }

  @Test
  void aMissingStoreIsReportedNotCreated() {
    Path nowhere = dir.resolve("nowhere");
    Result r = kiln("cache", "du", "--cache-dir", nowhere.toString());
    assertEquals(0, r.code());
    assertTrue(r.out().contains("No kiln cache at " + nowhere), r.out());
    assertFalse(Files.exists(nowhere));
  }

  @Test
  void anUntaggedImageKeepsTheDuTableInLine() throws IOException {
    image();
    Digest config =
        oldBlob("{\"os\":\"linux\",\"architecture\":\"arm64\"}".getBytes(StandardCharsets.UTF_8));
    ImageManifest m =
        ImageManifest.of(
            MediaType.OCI_MANIFEST,
            Descriptor.of(
                MediaType.OCI_CONFIG, config, store.blobReader().size(config).getAsLong()),
            List.of());
    Digest manifest = oldBlob(m.raw().toByteArray());
    store
        .index()
        .tag(manifest.toString(), IndexEntry.of(MediaType.OCI_MANIFEST, manifest, m.raw().size()));

    Result r = kiln("cache", "du", "--cache-dir", root.toString());

    assertEquals(0, r.code(), r.err());
    List<String> table =
        r.out()
            .lines()
            .dropWhile(l -> !l.startsWith("IMAGE"))
            .takeWhile(l -> !l.isEmpty())
            .toList();
    assertEquals(3, table.size(), r.out());
    assertTrue(table.get(2).startsWith("<untagged> "), r.out());
    int digest = table.get(0).indexOf("DIGEST");
    for (String row : table.subList(1, 3)) {
      assertEquals("sha256:", row.substring(digest, digest + 7), r.out());
    }
  }

  @Test
  void cacheMountsAreListedMeasuredAndPrunedById() throws IOException {
    Path mounts = CacheMounts.directory(root);
    Path go = Files.createDirectories(mounts.resolve(CacheMounts.nameOf("/go/cache")));
    Files.write(go.resolve("object"), new byte[50_000]);
    Path npm = Files.createDirectories(mounts.resolve(CacheMounts.nameOf("npm")));
    Files.write(npm.resolve("package"), new byte[10_000]);

    Result du = kiln("cache", "du", "--cache-dir", root.toString());
    assertTrue(du.out().contains("CACHE MOUNT"), du.out());
    assertTrue(
        du.out().lines().anyMatch(l -> l.matches("cache mounts +[0-9.]+kB +2 RUN .*")), du.out());

    Result prune =
        kiln("cache", "prune", "--mounts", "--id", "/go/cache", "--cache-dir", root.toString());
    assertEquals(0, prune.code(), prune.err());
    assertTrue(
        prune.out().lines().anyMatch(l -> l.matches("Removed 1 cache mount \\(5[0-9.]+kB\\)\\.")),
        prune.out());
    assertFalse(Files.exists(go));
    assertTrue(Files.exists(npm));

    Result none = kiln("cache", "prune", "--id", "nosuch", "--cache-dir", root.toString());
    assertTrue(none.out().contains("No cache mount has the id nosuch."), none.out());
    Result both = kiln("cache", "prune", "--mounts", "--all", "--cache-dir", root.toString());
    assertEquals(2, both.code(), both.err());
  }
}
