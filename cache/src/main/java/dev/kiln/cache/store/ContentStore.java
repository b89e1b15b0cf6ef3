package dev.kiln.cache.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/**
 * kiln's content-addressed store: an OCI image layout on disk holding every blob kiln has pulled or
 * built, safe to share between kiln processes.
 *
 * <p>The parts are split by job, as Jib splits its cache: {@link StorePaths} (where files live),
 * {@link BlobWriter} (atomic, verified writes), {@link BlobReader} (streams, verified on demand),
 * {@link OciIndexFile} (named images, updated under a file lock) and {@link LayerRecords} (which
 * compressed blob a given uncompressed layer became). This class only opens the layout and hands
 * them out.
 */
public final class ContentStore {
  private static final String LAYOUT_VERSION = "1.0.0";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StorePaths paths;
  private final BlobWriter writer;
  private final BlobReader reader;
  private final OciIndexFile index;
  private final LayerRecords layerRecords;
  private final BlobOrigins blobOrigins;

  private ContentStore(StorePaths paths) {
    this.paths = paths;
    this.writer = new BlobWriter(paths);
    this.reader = new BlobReader(paths);
    this.index = new OciIndexFile(paths);
    this.layerRecords = new LayerRecords(paths, reader);
    this.blobOrigins = new BlobOrigins(paths);
  }

  /**
   * Opens the store at {@code root}, creating an empty OCI layout there if the directory is empty
   * or missing.
   *
   * @throws IOException if {@code root} is a file, or holds an OCI layout of another version
   */
  public static ContentStore open(Path root) throws IOException {
    StorePaths paths = new StorePaths(root);
    if (Files.exists(paths.root()) && !Files.isDirectory(paths.root())) {
      throw new NotDirectoryException(
          paths.root() + " (the kiln cache directory must be a directory; use --cache-dir)");
    }
    Files.createDirectories(paths.blobDirectory("sha256"));
    checkOrCreateLayoutMarker(paths);
    ContentStore store = new ContentStore(paths);
    store.index.createIfMissing();
    return store;
  }

  private static void checkOrCreateLayoutMarker(StorePaths paths) throws IOException {
    Path marker = paths.ociLayoutFile();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(marker);
    } catch (NoSuchFileException e) {
      // Racing creators write identical bytes, so the atomic replace needs no lock.
      AtomicFile.write(
          marker,
          ("{\"imageLayoutVersion\":\"" + LAYOUT_VERSION + "\"}").getBytes(StandardCharsets.UTF_8));
      return;
    }
    JsonNode version;
    try {
      version = JSON.readTree(bytes).path("imageLayoutVersion");
    } catch (IOException e) {
      version = null;
    }
    if (version == null || !version.asText().equals(LAYOUT_VERSION)) {
      throw new IOException(
          marker
              + " does not declare imageLayoutVersion "
              + LAYOUT_VERSION
              + "; this directory is not a kiln cache (choose another with --cache-dir or "
              + CacheDirectory.ENV_VARIABLE
              + ")");
    }
  }

  /** Where the store's files live. */
  public StorePaths paths() {
    return paths;
  }

  /** Writes blobs. */
  public BlobWriter blobWriter() {
    return writer;
  }

  /** Reads blobs. */
  public BlobReader blobReader() {
    return reader;
  }

  /** The named images ({@code index.json}). */
  public OciIndexFile index() {
    return index;
  }

  /** Which registry repositories blobs came from, for cross-repository mounts. */
  public BlobOrigins blobOrigins() {
    return blobOrigins;
  }

  /** The diffID to compressed blob records. */
  public LayerRecords layerRecords() {
    return layerRecords;
  }

  /**
   * Tells a concurrent prune that this process is about to rely on blobs that are already in the
   * store (a cache hit, a reused compressed layer), so that it survives until the build has
   * recorded it in {@code index.json} or a cache entry (see {@link BlobRetention}).
   *
   * @return the digests that are not in the store (nothing was retained for them)
   */
  public List<Digest> retain(Collection<Digest> digests) throws IOException {
    return BlobRetention.retain(paths, digests);
  }

  /** Holds the store's GC lock until closed: prune holds it for its whole run. */
  public StoreLock lockForCollection() throws IOException {
    return StoreLock.acquire(paths.gcLockFile());
  }
}
