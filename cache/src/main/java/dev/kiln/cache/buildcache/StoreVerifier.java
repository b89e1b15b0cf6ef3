package dev.kiln.cache.buildcache;

import dev.kiln.cache.store.BlobVerificationException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Checks that a store is consistent: every blob's content matches its name, {@code index.json} is
 * readable and names only manifests the store holds, and every cache entry is readable with all its
 * blobs present at their recorded sizes. Reports every problem at once. Temp files are counted, not
 * reported: they are invisible to readers, and prune collects abandoned ones.
 */
public final class StoreVerifier {
  /**
   * The outcome.
   *
   * @param problems one line per inconsistency; empty when the store is consistent
   * @param blobsChecked how many blobs were re-hashed
   * @param tempFiles temp files present (a writer's work in progress, or a killed writer's
   *     leftover)
   */
  public record Report(List<String> problems, int blobsChecked, int tempFiles) {
    public Report {
      problems = List.copyOf(problems);
    }

    public boolean consistent() {
      return problems.isEmpty();
    }
  }

  private StoreVerifier() {}

  /** Verifies {@code store} and its build cache, reading every blob in full. */
  public static Report verify(ContentStore store, BuildCache cache) throws IOException {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    int temps = 0;
    Path blobsRoot = store.paths().root().resolve("blobs");
    for (Path dir : list(blobsRoot)) {
      String algorithm = dir.getFileName().toString();
      for (Path file : list(dir)) {
        if (StorePaths.isTempFile(file)) {
          temps++;
          continue;
        }
        Digest digest;
        try {
          digest = new Digest(algorithm, file.getFileName().toString());
        } catch (IllegalArgumentException e) {
          problems.add("unexpected file in the blob directory: " + file);
          continue;
        }
        try {
          store.blobReader().verify(digest);
          checked++;
        } catch (BlobVerificationException e) {
          problems.add(e.getMessage());
        } catch (NoSuchFileException e) {
          // pruned while we looked
        }
      }
    }
    try {
      for (IndexEntry image : store.index().entries()) {
        if (!store.blobReader().contains(image.digest())) {
          problems.add(
              "index.json names "
                  + image.refName().orElse("an untagged image")
                  + " ("
                  + image.digest()
                  + ") but the store does not hold it");
        }
      }
    } catch (IOException e) {
      problems.add("index.json: " + e.getMessage());
    }
    for (StoredEntry stored : cache.entries()) {
      if (stored.problem().isPresent()) {
        problems.add("cache entry " + stored.key() + ": " + stored.problem().get());
        continue;
      }
      for (CachedLayer layer : stored.entry().get().result().layers()) {
        OptionalLong size = store.blobReader().size(layer.blob().digest());
        if (size.isEmpty()) {
          problems.add(
              "cache entry " + stored.key() + ": blob " + layer.blob().digest() + " missing");
        } else if (size.getAsLong() != layer.blob().size()) {
          problems.add(
              "cache entry "
                  + stored.key()
                  + ": blob "
                  + layer.blob().digest()
                  + " has "
                  + size.getAsLong()
                  + " bytes, recorded "
                  + layer.blob().size());
        }
      }
    }
    for (Path file : list(store.paths().buildCacheDirectory().resolve("sha256"))) {
      if (StorePaths.isTempFile(file)) {
        temps++;
      }
    }
    return new Report(problems, checked, temps);
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
