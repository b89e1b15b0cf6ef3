package dev.kiln.cache.buildcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.cache.store.ContentStore;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code kiln cache prune}: removes build cache entries by {@link PrunePolicy}, then deletes every
 * blob that neither an {@code index.json} image (with the manifests, configs and layers it
 * references) nor a remaining cache entry needs.
 *
 * <p>Safe while builds run, by three rules. The whole prune holds the store's GC lock, which a
 * build takes briefly when it starts relying on blobs already in the store ({@link
 * ContentStore#retain}, done by cache hits and layer-record reuse), and which refreshes their
 * modification times. An unreferenced blob is deleted only if it is older than the grace period,
 * because a build may have written it and not yet recorded it. A temp file is deleted only if no
 * live writer holds its lock ({@link PendingBlob#isBeingWritten}) and it is older than the grace
 * period; a writer killed by SIGKILL loses its lock, so its leftovers are collected. Deleting in
 * this order (entries, then blobs) never leaves an entry or image pointing at a deleted blob.
 * Unpacked layer directories ({@link UnpackedLayers}) go only with {@code --all} or an {@code
 * until} filter, and only when no build is alive ({@link WorkspaceLock}).
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
    try (StoreLock lock = store.lockForCollection()) {
      Instant now = clock.instant();
      Instant cutoff = now.minus(options.grace());

      List<StoredEntry> entries = cache.entries();
      List<PrunePolicy.Candidate> candidates = new ArrayList<>();
      for (StoredEntry e : entries) {
        candidates.add(candidate(e));
      }
      Set<CacheKey> doomed = PrunePolicy.select(candidates, options, now);
      List<CacheKey> removed = new ArrayList<>();
      Set<Digest> live = new HashSet<>();
      for (StoredEntry e : entries) {
        if (doomed.contains(e.key())) {
          if (Files.deleteIfExists(e.file())) {
            removed.add(e.key());
          }
        } else {
          e.entry().ifPresent(entry -> live.addAll(entry.result().blobs()));
        }
      }

      BlobGraph graph = new BlobGraph(store.blobReader());
      for (IndexEntry image : store.index().entries()) {
        live.addAll(graph.closure(image.digest(), image.mediaType()).keySet());
      }

      Counts counts = new Counts();
      Path blobsRoot = paths.root().resolve("blobs");
      if (Files.isDirectory(blobsRoot)) {
        for (Path algorithmDir : list(blobsRoot)) {
          if (Files.isDirectory(algorithmDir, LinkOption.NOFOLLOW_LINKS)) {
            sweepBlobs(algorithmDir, live, cutoff, counts);
          }
        }
      }
      int records = sweepLayerRecords(paths.kilnDirectory().resolve("layers"), cutoff, counts);
      // Temp files of atomic replaces (entries, memos, index.json) left by killed processes.
      sweepTempFiles(paths.buildCacheDirectory().resolve("sha256"), cutoff, counts);
      sweepTempFiles(paths.statMemoDirectory(), cutoff, counts);
      sweepTempFiles(paths.root(), cutoff, counts);
      int memos = 0;
      if (options.all() && Files.isDirectory(paths.statMemoDirectory())) {
        for (Path memo : list(paths.statMemoDirectory())) {
          if (!StorePaths.isTempFile(memo)) {
            memos += Files.deleteIfExists(memo) ? 1 : 0;
          }
        }
      }
      // Unpacked layers are a running build's root filesystems: only when no build runs (and
      // none can start: a build creates its workspace under this same GC lock).
      boolean buildRunning = WorkspaceLock.anyHeldUnder(paths.workspacesDirectory());
      UnpackedLayers.Removed unpacked = new UnpackedLayers.Removed(0, 0);
      if (!buildRunning && (options.all() || options.until().isPresent())) {
        Instant unusedBefore = options.until().map(now::minus).orElse(now);
        unpacked = UnpackedLayers.prune(paths.root(), options.all(), unusedBefore);
      }
      return new PruneReport(
          removed,
          counts.removedBlobs,
          counts.freedBytes,
          counts.keptYoung,
          counts.removedTemps,
          counts.keptTemps,
          records,
          memos,
          unpacked.directories(),
          unpacked.bytes(),
          buildRunning);
    }
  }

  private PrunePolicy.Candidate candidate(StoredEntry e) throws IOException {
    if (e.entry().isEmpty()) {
      return new PrunePolicy.Candidate(e.key(), e.lastUsed(), Map.of(), true);
    }
    Map<Digest, Long> blobs = new HashMap<>();
    boolean broken = false;
    for (CachedLayer layer : e.entry().get().result().layers()) {
      OptionalLong size = store.blobReader().size(layer.blob().digest());
      if (size.isEmpty() || size.getAsLong() != layer.blob().size()) {
        broken = true;
      } else {
        blobs.put(layer.blob().digest(), size.getAsLong());
      }
    }
    return new PrunePolicy.Candidate(e.key(), e.lastUsed(), blobs, broken);
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
