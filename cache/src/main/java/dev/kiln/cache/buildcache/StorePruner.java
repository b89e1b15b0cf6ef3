package dev.kiln.cache.buildcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.cache.store.CacheMounts;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.DiskSpace;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.cache.store.PendingBlob;
import dev.kiln.cache.store.StoreLock;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.cache.store.UnpackedLayers;
import dev.kiln.cache.store.WorkspaceLock;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code kiln cache prune}: removes build cache entries, untagged images, unpacked layers and cache
 * mounts by {@link PrunePolicy}, then deletes every blob that neither an {@code index.json} image
 * (with the manifests, configs and layers it references) nor a remaining cache entry needs, and the
 * bookkeeping of what is gone: layer records and blob origin records of deleted blobs, layer
 * indexes of layers the store no longer keeps in any form.
 *
 * <p>Safe while builds run, by four rules. The whole prune holds the store's GC lock, which a build
 * takes briefly when it starts relying on blobs already in the store ({@link ContentStore#retain},
 * done by cache hits and layer-record reuse), and which refreshes their modification times. An
 * unreferenced blob (and a layer index or origin record nothing keeps) is deleted only if it is
 * older than the grace period, because a build may have written it and not yet recorded it. A temp
 * file is deleted only if no live writer holds its lock ({@link PendingBlob#isBeingWritten}) and it
 * is older than the grace period; a writer killed by SIGKILL loses its lock, so its leftovers are
 * collected. Unpacked layer directories ({@link UnpackedLayers}) and cache mounts ({@link
 * CacheMounts}), which a running step stands on or has mounted, go only when no build is alive
 * ({@link WorkspaceLock}); a build cannot start meanwhile, since it creates its workspace under the
 * GC lock. Deleting in this order (entries and images, then blobs) never leaves an entry or image
 * pointing at a deleted blob.
 *
 * <p>Sizes are what the files take on disk ({@link DiskSpace}, as {@code du} counts), so {@code
 * --keep-storage} compares the limit with everything the store holds.
 */
public final class StorePruner {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ContentStore store;
  private final BuildCache cache;
  private final Clock clock;

  public StorePruner(ContentStore store, BuildCache cache, Clock clock) {
    this.store = store;
    this.cache = cache;
    this.clock = clock;
  }

  /** Prunes with {@code options}; see the class comment for what is kept. */
  public PruneReport prune(PruneOptions options) throws IOException {
    StorePaths paths = store.paths();
    Path root = paths.root();
    try (StoreLock lock = store.lockForCollection()) {
      Instant now = clock.instant();
      Instant cutoff = now.minus(options.grace());
      // Unpacked layers and cache mounts are a running build's root filesystems and mounts: only
      // when no build runs (and none can start: a build creates its workspace under this lock).
      boolean buildRunning = WorkspaceLock.anyHeldUnder(paths.workspacesDirectory());
      boolean measureDirectories = options.keepStorage().isPresent();
      long before = DiskSpace.of(root).measure(root);
      Map<Digest, BasicFileAttributes> blobFiles = blobFiles(paths);
      long blockSize = blockSize(root);

      // Blobs of named images are never freed: they are no candidate's.
      BlobGraph graph = new BlobGraph(store.blobReader());
      List<IndexEntry> images = store.index().entries();
      Set<Digest> named = new HashSet<>();
      Set<Digest> pinned = new HashSet<>();
      for (IndexEntry image : images) {
        if (image.givenName().isPresent()) {
          named.add(image.digest());
          pinned.addAll(graph.closure(image.digest(), image.mediaType()).keySet());
        }
      }

      List<StoredEntry> entries = cache.entries();
      List<PrunePolicy.Candidate> candidates = new ArrayList<>();
      for (StoredEntry e : entries) {
        candidates.add(candidate(e, pinned, blobFiles, blockSize));
      }
      Map<Digest, IndexEntry> untagged = new LinkedHashMap<>();
      for (IndexEntry image : images) {
        if (image.givenName().isEmpty() && !named.contains(image.digest())) {
          untagged.putIfAbsent(image.digest(), image);
        }
      }
      for (IndexEntry image : untagged.values()) {
        Map<Digest, Long> blobs = new HashMap<>();
        for (Digest d : graph.closure(image.digest(), image.mediaType()).keySet()) {
          if (!pinned.contains(d) && blobFiles.containsKey(d)) {
            blobs.put(d, blocks(blobFiles.get(d).size(), blockSize));
          }
        }
        BasicFileAttributes manifest = blobFiles.get(image.digest());
        candidates.add(
            new PrunePolicy.Candidate(
                new PruneItem.UntaggedImage(image.digest()),
                manifest == null ? now : manifest.lastModifiedTime().toInstant(),
                blobs,
                0,
                manifest == null));
      }
      if (!buildRunning) {
        for (UnpackedLayers.UnpackedLayer layer : UnpackedLayers.list(root)) {
          if (!layer.leftover()) {
            long bytes = measureDirectories ? DiskSpace.of(root).measure(layer.dir()) : 0;
            candidates.add(
                new PrunePolicy.Candidate(
                    new PruneItem.UnpackedLayer(layer), layer.lastUsed(), Map.of(), bytes, false));
          }
        }
        for (CacheMounts.CacheMount mount : CacheMounts.list(root)) {
          if (options.mountIds().isEmpty() || options.mountIds().stream().anyMatch(mount::hasId)) {
            long bytes = measureDirectories ? DiskSpace.of(root).measure(mount.dir()) : 0;
            candidates.add(
                new PrunePolicy.Candidate(
                    new PruneItem.CacheMount(mount), mount.lastUsed(), Map.of(), bytes, false));
          }
        }
      }

      // What goes anyway (old blobs nothing references) does not count against --keep-storage.
      Set<Digest> referenced = new HashSet<>(pinned);
      candidates.forEach(c -> referenced.addAll(c.blobs().keySet()));
      for (StoredEntry e : entries) {
        e.entry().ifPresent(entry -> referenced.addAll(entry.result().blobs()));
      }
      long goingAnyway = 0;
      for (Map.Entry<Digest, BasicFileAttributes> blob : blobFiles.entrySet()) {
        if (!referenced.contains(blob.getKey())
            && !blob.getValue().lastModifiedTime().toInstant().isAfter(cutoff)) {
          goingAnyway += blocks(blob.getValue().size(), blockSize);
        }
      }
      Set<PruneItem> doomed =
          PrunePolicy.select(candidates, options, now, Math.max(0, before - goingAnyway));

      List<CacheKey> removed = new ArrayList<>();
      Set<Digest> live = new HashSet<>(pinned);
      Set<Digest> liveDiffIds = new HashSet<>();
      for (StoredEntry e : entries) {
        if (doomed.contains(new PruneItem.Entry(e.key()))) {
          if (Files.deleteIfExists(e.file())) {
            removed.add(e.key());
          }
        } else if (e.entry().isPresent()) {
          live.addAll(e.entry().get().result().blobs());
          e.entry().get().result().layers().forEach(l -> liveDiffIds.add(l.diffId()));
        }
      }
      List<Digest> removedImages = removeUntagged(untagged.keySet(), doomed);
      for (IndexEntry image : store.index().entries()) {
        live.addAll(graph.closure(image.digest(), image.mediaType()).keySet());
        liveDiffIds.addAll(graph.diffIds(image.digest(), image.mediaType()));
      }

      Counts counts = new Counts();
      Path blobsRoot = root.resolve("blobs");
      if (Files.isDirectory(blobsRoot)) {
        for (Path algorithmDir : list(blobsRoot)) {
          if (Files.isDirectory(algorithmDir, LinkOption.NOFOLLOW_LINKS)) {
            sweepBlobs(algorithmDir, live, cutoff, counts);
          }
        }
      }
      int records = sweepLayerRecords(paths.kilnDirectory().resolve("layers"), cutoff, counts);
      liveDiffIds.addAll(recordedDiffIds(paths.kilnDirectory().resolve("layers")));
      // Temp files of atomic replaces (entries, memos, index.json) left by killed processes.
      sweepTempFiles(paths.buildCacheDirectory().resolve("sha256"), cutoff, counts);
      sweepTempFiles(paths.statMemoDirectory(), cutoff, counts);
      sweepTempFiles(root, cutoff, counts);
      int memos = 0;
      if (options.all() && Files.isDirectory(paths.statMemoDirectory())) {
        for (Path memo : list(paths.statMemoDirectory())) {
          if (!StorePaths.isTempFile(memo)) {
            memos += Files.deleteIfExists(memo) ? 1 : 0;
          }
        }
      }

      int unpacked = 0;
      long unpackedBytes = 0;
      int mounts = 0;
      long mountBytes = 0;
      if (!buildRunning) {
        for (UnpackedLayers.UnpackedLayer layer : UnpackedLayers.list(root)) {
          if (layer.leftover()) {
            unpackedBytes += UnpackedLayers.delete(layer);
            unpacked++;
          }
        }
        for (PruneItem item : doomed) {
          if (item instanceof PruneItem.UnpackedLayer u) {
            unpackedBytes += UnpackedLayers.delete(u.layer());
            unpacked++;
          } else if (item instanceof PruneItem.CacheMount m) {
            mountBytes += DiskSpace.of(root).measure(m.mount().dir());
            CacheMounts.delete(m.mount());
            mounts++;
          }
        }
        CacheMounts.deleteLeftovers(root);
      }
      for (UnpackedLayers.UnpackedLayer layer : UnpackedLayers.list(root)) {
        if (!layer.leftover()) {
          liveDiffIds.add(new Digest("sha256", layer.diffIdHex()));
        }
      }
      int indexes = sweepLayerIndexes(paths, liveDiffIds, cutoff);
      int origins = sweepBlobOrigins(paths, cutoff);
      boolean wanted =
          options.all()
              || options.until().isPresent()
              || options.keepStorage().isPresent()
              || options.mountsOnly();
      return new PruneReport(
          removed,
          counts.removedBlobs,
          counts.freedBytes,
          counts.keptYoung,
          counts.removedTemps,
          counts.keptTemps,
          records,
          memos,
          unpacked,
          unpackedBytes,
          buildRunning && wanted,
          removedImages,
          mounts,
          mountBytes,
          indexes,
          origins,
          before,
          DiskSpace.of(root).measure(root));
    }
  }

  /** Removes the doomed untagged images' entries from {@code index.json}. */
  private List<Digest> removeUntagged(Set<Digest> untagged, Set<PruneItem> doomed)
      throws IOException {
    Set<Digest> remove = new LinkedHashSet<>();
    for (Digest d : untagged) {
      if (doomed.contains(new PruneItem.UntaggedImage(d))) {
        remove.add(d);
      }
    }
    if (remove.isEmpty()) {
      return List.of();
    }
    List<Digest> removed = new ArrayList<>();
    store
        .index()
        .update(
            all -> {
              List<IndexEntry> kept = new ArrayList<>();
              for (IndexEntry e : all) {
                if (e.givenName().isEmpty() && remove.contains(e.digest())) {
                  if (!removed.contains(e.digest())) {
                    removed.add(e.digest());
                  }
                } else {
                  kept.add(e);
                }
              }
              return kept;
            });
    return removed;
  }

  private PrunePolicy.Candidate candidate(
      StoredEntry e, Set<Digest> pinned, Map<Digest, BasicFileAttributes> files, long blockSize) {
    if (e.entry().isEmpty()) {
      return PrunePolicy.Candidate.entry(e.key(), e.lastUsed(), Map.of(), true);
    }
    Map<Digest, Long> blobs = new HashMap<>();
    boolean broken = false;
    for (CachedLayer layer : e.entry().get().result().layers()) {
      BasicFileAttributes file = files.get(layer.blob().digest());
      if (file == null || file.size() != layer.blob().size()) {
        broken = true;
      } else if (!pinned.contains(layer.blob().digest())) {
        blobs.put(layer.blob().digest(), blocks(file.size(), blockSize));
      }
    }
    return PrunePolicy.Candidate.entry(e.key(), e.lastUsed(), blobs, broken);
  }

  /** Every blob file of the store with its attributes (temp files and strangers left out). */
  private static Map<Digest, BasicFileAttributes> blobFiles(StorePaths paths) throws IOException {
    Map<Digest, BasicFileAttributes> files = new HashMap<>();
    Path blobsRoot = paths.root().resolve("blobs");
    if (!Files.isDirectory(blobsRoot, LinkOption.NOFOLLOW_LINKS)) {
      return files;
    }
    for (Path algorithmDir : list(blobsRoot)) {
      if (!Files.isDirectory(algorithmDir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      for (Path file : list(algorithmDir)) {
        if (StorePaths.isTempFile(file)) {
          continue;
        }
        try {
          Digest d =
              new Digest(algorithmDir.getFileName().toString(), file.getFileName().toString());
          attributes(file).ifPresent(a -> files.put(d, a));
        } catch (IllegalArgumentException e) {
          // not a blob
        }
      }
    }
    return files;
  }

  /** The diffIDs of the remaining layer records ({@code kiln/layers/COMPRESSION/ALG/HEX.json}). */
  private static Set<Digest> recordedDiffIds(Path layersDir) throws IOException {
    Set<Digest> diffIds = new HashSet<>();
    if (!Files.isDirectory(layersDir)) {
      return diffIds;
    }
    try (Stream<Path> walk = Files.walk(layersDir)) {
      for (Path file : walk.filter(p -> p.toString().endsWith(".json")).toList()) {
        String name = file.getFileName().toString();
        try {
          diffIds.add(
              new Digest(
                  file.getParent().getFileName().toString(),
                  name.substring(0, name.length() - ".json".length())));
        } catch (IllegalArgumentException e) {
          // not a record
        }
      }
    }
    return diffIds;
  }

  /**
   * Deletes the layer indexes of layers the store no longer keeps in any form (no entry, record,
   * image or unpacked directory names their diffID), once older than the grace period: a build may
   * have just indexed a layer it has not recorded yet. An index deleted too eagerly is only made
   * again from its layer. The layers' package facts go by the same rule.
   */
  private static int sweepLayerIndexes(StorePaths paths, Set<Digest> live, Instant cutoff)
      throws IOException {
    sweepDigestFiles(paths.layerPackagesDirectory(), live::contains, cutoff);
    return sweepDigestFiles(paths.layerIndexDirectory(), live::contains, cutoff);
  }

  /**
   * Deletes the origin records and verified diffIDs of blobs the store no longer has (once past the
   * grace period).
   */
  private int sweepBlobOrigins(StorePaths paths, Instant cutoff) throws IOException {
    // A blob's verified diffID goes with the blob, by the same rule as its origins.
    sweepDigestFiles(paths.blobDiffIdsDirectory(), store.blobReader()::contains, cutoff);
    return sweepDigestFiles(paths.blobOriginsDirectory(), store.blobReader()::contains, cutoff);
  }

  /**
   * Deletes the files of {@code dir} (named {@code ALGORITHM/HEX} by a digest) whose digest {@code
   * keep} does not hold, and leftover temporary files there, once older than {@code cutoff};
   * returns how many digest files it deleted.
   */
  private static int sweepDigestFiles(Path dir, Predicate<Digest> keep, Instant cutoff)
      throws IOException {
    int removed = 0;
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    for (Path algorithmDir : list(dir)) {
      if (!Files.isDirectory(algorithmDir, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      for (Path file : list(algorithmDir)) {
        Digest digest;
        try {
          digest = new Digest(algorithmDir.getFileName().toString(), file.getFileName().toString());
        } catch (IllegalArgumentException e) {
          if (StorePaths.isTempFile(file) && isOld(file, cutoff)) {
            Files.deleteIfExists(file);
          }
          continue;
        }
        if (!keep.test(digest) && isOld(file, cutoff)) {
          removed += Files.deleteIfExists(file) ? 1 : 0;
        }
      }
    }
    return removed;
  }

  private static long blockSize(Path root) {
    try {
      return Math.max(512, Files.getFileStore(root).getBlockSize());
    } catch (IOException | UnsupportedOperationException e) {
      return 4096;
    }
  }

  private static long blocks(long size, long blockSize) {
    return (size + blockSize - 1) / blockSize * blockSize;
  }

  private static final class Counts {
    int removedBlobs;
    long freedBytes;
    int keptYoung;
    int removedTemps;
    int keptTemps;
  }

  private void sweepBlobs(Path dir, Set<Digest> live, Instant cutoff, Counts counts)
      throws IOException {
    String algorithm = dir.getFileName().toString();
    for (Path file : list(dir)) {
      if (StorePaths.isTempFile(file)) {
        if (!PendingBlob.isBeingWritten(file) && isOld(file, cutoff)) {
          counts.removedTemps += Files.deleteIfExists(file) ? 1 : 0;
        } else {
          counts.keptTemps++;
        }
        continue;
      }
      Digest digest;
      try {
        digest = new Digest(algorithm, file.getFileName().toString());
      } catch (IllegalArgumentException e) {
        continue; // not a blob: leave what we do not understand
      }
      if (live.contains(digest)) {
        continue;
      }
      Optional<BasicFileAttributes> attrs = attributes(file);
      if (attrs.isEmpty()) {
        continue;
      }
      if (attrs.get().lastModifiedTime().toInstant().isAfter(cutoff)) {
        counts.keptYoung++;
        continue;
      }
      if (Files.deleteIfExists(file)) {
        counts.removedBlobs++;
        counts.freedBytes += attrs.get().size();
      }
    }
  }

  /** Deletes layer records whose blob is gone, and stale temp files among them. */
  private int sweepLayerRecords(Path layersDir, Instant cutoff, Counts counts) throws IOException {
    if (!Files.isDirectory(layersDir)) {
      return 0;
    }
    int removed = 0;
    List<Path> files;
    try (Stream<Path> walk = Files.walk(layersDir)) {
      files = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }
    for (Path file : files) {
      if (StorePaths.isTempFile(file)) {
        if (isOld(file, cutoff)) {
          counts.removedTemps += Files.deleteIfExists(file) ? 1 : 0;
        } else {
          counts.keptTemps++;
        }
        continue;
      }
      if (!file.getFileName().toString().endsWith(".json")) {
        continue;
      }
      Digest blob;
      try {
        JsonNode node = JSON.readTree(Files.readAllBytes(file));
        blob = Digest.parse(node.path("digest").asText(null));
      } catch (IOException | IllegalArgumentException e) {
        if (e instanceof NoSuchFileException) {
          continue;
        }
        blob = null; // damaged: LayerRecords ignores it too, so it only takes space
      }
      if (blob == null || !store.blobReader().contains(blob)) {
        removed += Files.deleteIfExists(file) ? 1 : 0;
      }
    }
    return removed;
  }

  private void sweepTempFiles(Path dir, Instant cutoff, Counts counts) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    for (Path file : list(dir)) {
      if (StorePaths.isTempFile(file)) {
        if (isOld(file, cutoff)) {
          counts.removedTemps += Files.deleteIfExists(file) ? 1 : 0;
        } else {
          counts.keptTemps++;
        }
      }
    }
  }

  private static boolean isOld(Path file, Instant cutoff) throws IOException {
    Optional<BasicFileAttributes> attrs = attributes(file);
    return attrs.isPresent() && !attrs.get().lastModifiedTime().toInstant().isAfter(cutoff);
  }

  private static Optional<BasicFileAttributes> attributes(Path file) throws IOException {
    try {
      return Optional.of(
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(out::add);
    }
    out.sort(null);
    return out;
  }
}
