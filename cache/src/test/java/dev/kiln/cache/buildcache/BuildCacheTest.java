package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.BlobNotFoundException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildCacheTest {
  @TempDir Path dir;
  private ContentStore store;
  private MutableClock clock;
  private BuildCache cache;

  @BeforeEach
  void open() throws IOException {
    store = ContentStore.open(dir.resolve("store"));
    clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    cache = new BuildCache(store, clock);
  }

  @Test
  void aStoredResultIsFoundUnderItsKeyOnly() throws IOException {
    CacheResult result = TestResults.result("RUN make", TestResults.layer(store, 1, 1000));
    CacheKey key = TestResults.key("a");
    cache.store(key, result);

    assertEquals(Optional.of(result), cache.lookup(key));
    assertEquals(new CacheDecision.Miss("no entry"), cache.check(TestResults.key("b")));
  }

  @Test
  void configOnlyResultsNeedNoBlobs() throws IOException {
    CacheResult result = TestResults.result("ENV A=1");
    cache.store(TestResults.key("env"), result);
    assertEquals(Optional.of(result), cache.lookup(TestResults.key("env")));
  }

  @Test
  void aResultWhoseBlobWasDeletedIsAMissNeverAStaleHit() throws IOException {
    CachedLayer layer = TestResults.layer(store, 2, 500);
    CacheKey key = TestResults.key("a");
    cache.store(key, TestResults.result("RUN x", layer));
    Files.delete(store.paths().blob(layer.blob().digest()));

    assertEquals(
        new CacheDecision.Miss("blob " + layer.blob().digest() + " missing from the store"),
        cache.check(key));
    assertEquals(Optional.empty(), cache.lookup(key));
  }

  @Test
  void storingAResultWhoseBlobIsNotInTheStoreFails() {
    Digest absent = Digest.sha256(new byte[] {42});
    CachedLayer layer =
        new CachedLayer(Descriptor.of(MediaType.OCI_LAYER_GZIP, absent, 1), absent, 1);
    BlobNotFoundException e =
        assertThrows(
            BlobNotFoundException.class,
            () -> cache.store(TestResults.key("a"), TestResults.result("RUN x", layer)));
    assertEquals(absent, e.digest());
    assertFalse(Files.exists(store.paths().buildCacheEntry(TestResults.key("a").digest())));
  }

  @Test
  void aHitRecordsItsUseAndRetainsItsBlobs() throws IOException {
    CachedLayer layer = TestResults.layer(store, 3, 100);
    CacheKey key = TestResults.key("a");
    cache.store(key, TestResults.result("RUN x", layer));
    Instant stored = clock.instant();
    TestResults.age(store, layer.blob().digest(), Instant.parse("2001-01-01T00:00:00Z"));
    assertEquals(stored, cache.entries().get(0).lastUsed());

    clock.advance(Duration.ofDays(3));
    assertTrue(cache.check(key).isHit());

    assertEquals(clock.instant(), cache.entries().get(0).lastUsed());
    Instant blobTime =
        Files.getLastModifiedTime(store.paths().blob(layer.blob().digest())).toInstant();
    assertTrue(blobTime.isAfter(Instant.parse("2020-01-01T00:00:00Z")), blobTime.toString());
  }

  @Test
  void entriesListsReadableAndBrokenEntries() throws IOException {
    cache.store(TestResults.key("a"), TestResults.result("RUN a"));
    Path broken = store.paths().buildCacheEntry(TestResults.key("b").digest());
    Files.writeString(broken, "not json");

    List<StoredEntry> entries = cache.entries();

    assertEquals(2, entries.size());
    StoredEntry good =
        entries.stream().filter(e -> e.key().equals(TestResults.key("a"))).findFirst().get();
    StoredEntry bad =
        entries.stream().filter(e -> e.key().equals(TestResults.key("b"))).findFirst().get();
    assertTrue(good.entry().isPresent());
    assertTrue(bad.problem().orElseThrow().startsWith("not valid JSON"), bad.toString());
    assertTrue(cache.check(TestResults.key("b")) instanceof CacheDecision.Miss);
  }

  @Test
  void removeDeletesTheEntry() throws IOException {
    cache.store(TestResults.key("a"), TestResults.result("RUN a"));
    assertTrue(cache.remove(TestResults.key("a")));
    assertFalse(cache.remove(TestResults.key("a")));
    assertEquals(List.of(), cache.entries());
  }
}
