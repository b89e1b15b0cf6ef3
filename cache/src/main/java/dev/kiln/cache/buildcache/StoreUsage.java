package dev.kiln.cache.buildcache;

import dev.kiln.cache.store.CacheMounts;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.DiskSpace;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.cache.store.UnpackedLayers;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the store holds and what it takes on disk, for {@code kiln cache du}. Reads only; takes no
 * lock, so the numbers are a snapshot that a concurrent build may change.
 */
public final class StoreUsage {
  /**
   * One build cache entry.
   *
   * @param key its key
   * @param lastUsed when it was last written or hit
   * @param layers how many layers its result has
   * @param size the total size of its layer blobs (blobs shared with other entries count here too)
   * @param problem why it is unusable (unreadable, a blob missing), empty if usable
   */
  public record EntryUsage(
      CacheKey key, Instant lastUsed, int layers, long size, Optional<String> problem) {}

  /**
   * One image named in {@code index.json}.
   *
   * @param name its {@code org.opencontainers.image.ref.name}, or empty if untagged (kept by its
   *     digest only)
   * @param digest the manifest or index digest
   * @param size the total size of the blobs it reaches that the store holds
   * @param blobs how many such blobs
   */
  public record ImageUsage(Optional<String> name, Digest digest, long size, int blobs) {}

  /**
   * One {@code RUN --mount=type=cache} cache.
   *
   * @param name its directory's name: the id (made safe for a file name) and a hash of it
   * @param bytes what its files take on disk
   * @param lastUsed when a step last mounted it
   */
  public record CacheMountUsage(String name, long bytes, Instant lastUsed) {}

  /**
   * What each part of the store takes on disk, as {@code du} counts it (whole blocks, a hard-linked
   * file once), so that {@link #total()} is what {@code du -s} says of the store.
   *
   * @param blobs {@code blobs/}: layers, configs, manifests
   * @param unpackedLayers {@code layers/}, {@code layers-unprivileged/} and {@code
   *     layers-user-xattrs/}: layers unpacked for RUN
   * @param unpackedLayerCount how many unpacked layer directories there are
   * @param cacheMounts {@code mounts/cache/}: the contents of cache mounts
   * @param layerIndexes {@code kiln/layer-index/}: what each layer holds
   * @param layerIndexCount how many layer indexes there are
   * @param buildCache {@code kiln/buildcache/}: the cache entries themselves
   * @param bookkeeping the rest of {@code kiln/}: layer records, blob origins, stat memos, locks
   * @param workspaces {@code tmp/}: running builds' work, and what killed ones left
   * @param other everything else ({@code index.json}, {@code oci-layout}, files kiln does not know)
   */
  public record DiskUsage(
      long blobs,
      long unpackedLayers,
      int unpackedLayerCount,
      long cacheMounts,
      long layerIndexes,
      int layerIndexCount,
      long buildCache,
      long bookkeeping,
      long workspaces,
      long other) {
    /** The whole store. */
    public long total() {
      return blobs
          + unpackedLayers
          + cacheMounts
          + layerIndexes
          + buildCache
          + bookkeeping
          + workspaces
          + other;
    }
  }

  /**
   * The whole picture.
   *
   * @param entries every cache entry, in key order
   * @param images every {@code index.json} image, in index order
   * @param cacheMounts every cache mount, in name order
   * @param cacheBytes distinct blobs referenced by cache entries
   * @param imageBytes distinct blobs reached from images
   * @param storeBytes every blob in the store
   * @param storeBlobs how many blobs the store holds
   * @param unreferencedBytes blobs neither entries nor images need: what {@code kiln cache prune}
   *     frees once they are older than its grace period
   * @param disk what each part of the store takes on disk
   */
  public record Report(
      List<EntryUsage> entries,
      List<ImageUsage> images,
      List<CacheMountUsage> cacheMounts,
      long cacheBytes,
      long imageBytes,
      long storeBytes,
      int storeBlobs,
      long unreferencedBytes,
      DiskUsage disk) {
    public Report {
      entries = List.copyOf(entries);
      images = List.copyOf(images);
      cacheMounts = List.copyOf(cacheMounts);
    }
  }

  private StoreUsage() {}

  /** Measures {@code store} and its build cache. */
  public static Report measure(ContentStore store, BuildCache cache) throws IOException {
    Map<Digest, Long> cacheBlobs = new HashMap<>();
    List<EntryUsage> entries = new ArrayList<>();
    for (StoredEntry stored : cache.entries()) {
      if (stored.entry().isEmpty()) {
        entries.add(new EntryUsage(stored.key(), stored.lastUsed(), 0, 0, stored.problem()));
        continue;
      }
      long size = 0;
      Optional<String> problem = Optional.empty();
      List<CachedLayer> layers = stored.entry().get().result().layers();
      for (CachedLayer layer : layers) {
        OptionalLong stat = store.blobReader().size(layer.blob().digest());
        if (stat.isEmpty()) {
          problem = Optional.of("blob " + layer.blob().digest() + " missing");
          continue;
        }
        size += stat.getAsLong();
        cacheBlobs.put(layer.blob().digest(), stat.getAsLong());
      }
      entries.add(new EntryUsage(stored.key(), stored.lastUsed(), layers.size(), size, problem));
    }

    BlobGraph graph = new BlobGraph(store.blobReader());
    Map<Digest, Long> imageBlobs = new HashMap<>();
    List<ImageUsage> images = new ArrayList<>();
    for (IndexEntry image : store.index().entries()) {
      Map<Digest, Long> closure = graph.closure(image.digest(), image.mediaType());
      imageBlobs.putAll(closure);
      long size = closure.values().stream().mapToLong(Long::longValue).sum();
      images.add(new ImageUsage(image.givenName(), image.digest(), size, closure.size()));
    }

    long storeBytes = 0;
    int storeBlobs = 0;
    long unreferenced = 0;
    Path blobsRoot = store.paths().root().resolve("blobs");
    for (Path algorithmDir : list(blobsRoot)) {
      String algorithm = algorithmDir.getFileName().toString();
      for (Path file : list(algorithmDir)) {
        if (StorePaths.isTempFile(file)) {
          continue;
        }
        Digest digest;
        try {
          digest = new Digest(algorithm, file.getFileName().toString());
        } catch (IllegalArgumentException e) {
          continue;
        }
        long size;
        try {
          size = Files.size(file);
        } catch (NoSuchFileException e) {
          continue;
        }
        storeBytes += size;
        storeBlobs++;
        if (!cacheBlobs.containsKey(digest) && !imageBlobs.containsKey(digest)) {
          unreferenced += size;
        }
      }
    }
    Path root = store.paths().root();
    DiskSpace disk = DiskSpace.of(root);
    List<CacheMountUsage> mounts = new ArrayList<>();
    long mountBytes = 0;
    for (CacheMounts.CacheMount mount : CacheMounts.list(root)) {
      long bytes = disk.measure(mount.dir());
      mounts.add(new CacheMountUsage(mount.name(), bytes, mount.lastUsed()));
      mountBytes += bytes;
    }
    mountBytes += disk.measure(root.resolve("mounts"));
    long blobBytes = disk.measure(blobsRoot);
    long unpacked =
        disk.measure(UnpackedLayers.directory(root))
            + disk.measure(UnpackedLayers.unprivilegedDirectory(root))
            + disk.measure(UnpackedLayers.userXattrsDirectory(root));
    int unpackedCount = (int) UnpackedLayers.list(root).stream().filter(l -> !l.leftover()).count();
    Path indexDir = store.paths().layerIndexDirectory();
    long indexes = disk.measure(indexDir);
    long buildCache = disk.measure(store.paths().buildCacheDirectory());
    long bookkeeping = disk.measure(store.paths().kilnDirectory());
    Path workspacesDir = store.paths().workspacesDirectory();
    long workspaces = disk.measure(workspacesDir);
    long other = disk.measure(root);
    DiskUsage usage =
        new DiskUsage(
            blobBytes,
            unpacked,
            unpackedCount,
            mountBytes,
            indexes,
            countFiles(indexDir),
            buildCache,
            bookkeeping,
            workspaces,
            other);
    return new Report(
        entries,
        images,
        mounts,
        sum(cacheBlobs),
        sum(imageBlobs),
        storeBytes,
        storeBlobs,
        unreferenced,
        usage);
  }

  private static int countFiles(Path dir) throws IOException {
    int count = 0;
    for (Path algorithmDir : list(dir)) {
      count += (int) list(algorithmDir).stream().filter(p -> !StorePaths.isTempFile(p)).count();
    }
    return count;
  }

  private static long sum(Map<Digest, Long> sizes) {
    return sizes.values().stream().mapToLong(Long::longValue).sum();
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return out;
    }
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(out::add);
    }
    out.sort(null);
    return out;
  }
}
