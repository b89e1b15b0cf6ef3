package dev.kiln.cache.buildcache;

import dev.kiln.cache.store.AtomicFile;
import dev.kiln.cache.store.BlobNotFoundException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The local build cache: cache key to the result of the step that had it, one small JSON file per
 * entry under {@code kiln/buildcache/} in the content store, whose blobs hold the layers.
 *
 * <p>Entries are written atomically (temp file, rename) and never edited; the file's modification
 * time is the entry's last use, set when it is written and on every hit, which is what {@code kiln
 * cache prune --filter until=…} and {@code --keep-storage} go by. Two processes storing one key
 * write equivalent results, so the last rename winning is harmless and no lock is needed for
 * writes. A hit retains the result's blobs ({@link ContentStore#retain}) so that a prune running at
 * the same moment cannot delete them before the build has used them.
 *
 * <p>Lookups never stop after a miss: each step's key is checked on its own.
 */
public final class BuildCache {
  private final ContentStore store;
  private final StorePaths paths;
  private final Clock clock;

  /** The build cache of {@code store}, with {@code clock} for last-use times. */
  public BuildCache(ContentStore store, Clock clock) {
    this.store = store;
    this.paths = store.paths();
    this.clock = clock;
  }

  /** The build cache of {@code store}, using the system clock. */
  public static BuildCache open(ContentStore store) {
    return new BuildCache(store, Clock.systemUTC());
  }

  /** The store this cache's results refer to. */
  public ContentStore store() {
    return store;
  }

  /** The recorded result for {@code key}, if there is a usable one (see {@link #check}). */
  public Optional<CacheResult> lookup(CacheKey key) throws IOException {
    return check(key).result();
  }

  /**
   * Decides whether {@code key} has a usable result, with the reason when not. On a hit the entry's
   * last use becomes now and its blobs are retained against a concurrent prune; a result whose
   * blobs are gone is a miss, never a partial hit.
   */
  public CacheDecision check(CacheKey key) throws IOException {
    Path file = paths.buildCacheEntry(key.digest());
    Optional<byte[]> bytes = readIfPresent(file);
    CacheDecision decision = CacheDecision.decide(key, bytes, storedSizes(bytes));
    if (!(decision instanceof CacheDecision.Hit hit)) {
      return decision;
    }
    List<Digest> missing = store.retain(hit.entry().result().blobs());
    if (!missing.isEmpty()) {
      return new CacheDecision.Miss("blob " + missing.get(0) + " was pruned during the lookup");
    }
    try {
      Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    } catch (NoSuchFileException e) {
      // Pruned after we read it; the result we hold is complete and its blobs retained.
    }
    return decision;
  }

  /**
   * Records {@code result} as the outcome of the step with {@code key}, replacing any earlier
   * entry. The result's blobs must already be in the store with their recorded sizes (an entry
   * never points at content that is not there); they are retained until the entry is written.
   *
   * @throws BlobNotFoundException if a blob is missing
   */
  public void store(CacheKey key, CacheResult result) throws IOException {
    for (CachedLayer layer : result.layers()) {
      OptionalLong size = store.blobReader().size(layer.blob().digest());
      if (size.isEmpty()) {
        throw new BlobNotFoundException(layer.blob().digest(), paths.root());
      }
      if (size.getAsLong() != layer.blob().size()) {
        throw new IllegalArgumentException(
            "cache result for "
                + key
                + " says blob "
                + layer.blob().digest()
                + " has "
                + layer.blob().size()
                + " bytes but the store holds "
                + size.getAsLong());
      }
    }
    List<Digest> missing = store.retain(result.blobs());
    if (!missing.isEmpty()) {
      throw new BlobNotFoundException(missing.get(0), paths.root());
    }
    Instant now = clock.instant();
    Path file = paths.buildCacheEntry(key.digest());
    AtomicFile.write(file, CacheEntryJson.write(new CacheEntry(key, result, now)));
    Files.setLastModifiedTime(file, FileTime.from(now));
  }

  /** Removes the entry for {@code key}; returns whether there was one. Blobs are left to prune. */
  public boolean remove(CacheKey key) throws IOException {
    return Files.deleteIfExists(paths.buildCacheEntry(key.digest()));
  }

  /** Every entry file, readable or not, in key order. Temp files of writers are skipped. */
  public List<StoredEntry> entries() throws IOException {
    List<StoredEntry> out = new ArrayList<>();
    Path dir = paths.buildCacheDirectory().resolve("sha256");
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, "*.json")) {
      list.forEach(files::add);
    }
    files.sort(null);
    for (Path file : files) {
      String name = file.getFileName().toString();
      CacheKey key;
      try {
        key = new CacheKey(new Digest("sha256", name.substring(0, name.length() - 5)));
      } catch (IllegalArgumentException e) {
        continue; // not an entry of ours
      }
      Optional<byte[]> bytes = readIfPresent(file);
      if (bytes.isEmpty()) {
        continue; // removed while we listed
      }
      Instant lastUsed;
      try {
        lastUsed = Files.getLastModifiedTime(file).toInstant();
      } catch (NoSuchFileException e) {
        continue;
      }
      StoredEntry stored;
      try {
        CacheEntry entry = CacheEntryJson.read(bytes.get());
        if (!entry.key().equals(key)) {
          throw new IllegalArgumentException("records key " + entry.key() + ", not " + key);
        }
        stored = new StoredEntry(key, Optional.of(entry), Optional.empty(), lastUsed, file);
      } catch (IllegalArgumentException e) {
        stored =
            new StoredEntry(key, Optional.empty(), Optional.of(e.getMessage()), lastUsed, file);
      }
      out.add(stored);
    }
    return out;
  }

  private Map<Digest, Long> storedSizes(Optional<byte[]> entryBytes) throws IOException {
    Map<Digest, Long> sizes = new HashMap<>();
    if (entryBytes.isEmpty()) {
      return sizes;
    }
    CacheEntry entry;
    try {
      entry = CacheEntryJson.read(entryBytes.get());
    } catch (IllegalArgumentException e) {
      return sizes; // the decision reports the problem
    }
    for (Digest blob : entry.result().blobs()) {
      OptionalLong size = store.blobReader().size(blob);
      if (size.isPresent()) {
        sizes.put(blob, size.getAsLong());
      }
    }
    return sizes;
  }

  private static Optional<byte[]> readIfPresent(Path file) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }
}
