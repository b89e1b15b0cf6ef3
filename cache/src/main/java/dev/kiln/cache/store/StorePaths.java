package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where every file of the content store lives, and nothing else: no IO happens here.
 *
 * <p>The store is an OCI image layout ({@code oci-layout}, {@code index.json}, {@code
 * blobs/<alg>/<hex>}), so {@code skopeo}, {@code umoci} and {@code oci-layout://} references can
 * read it directly. kiln's own bookkeeping lives under {@code kiln/}, which OCI layout readers
 * ignore:
 *
 * <pre>
 * ROOT/oci-layout
 * ROOT/index.json
 * ROOT/blobs/sha256/HEX                       blobs, named by digest
 * ROOT/blobs/sha256/.tmp-UUID                 a blob being written (renamed when verified)
 * ROOT/kiln/index.lock                        serialises index.json updates across processes
 * ROOT/kiln/layers/COMPRESSION/sha256/HEX.json  diffID to compressed blob records
 * ROOT/kiln/gc.lock                           held by prune, and briefly by builds retaining blobs
 * ROOT/kiln/buildcache/sha256/HEX.json        build cache entries, named by cache key
 * ROOT/kiln/statmemo/HEX.bin                  stat memo of one build context (HEX: its path's hash)
 * ROOT/kiln/layer-index/sha256/HEX            a layer's index, named by its diffID
 * ROOT/kiln/layer-packages/sha256/HEX         the packages the SBOM scan found in a layer's files
 * </pre>
 *
 * <p>Temp files sit in the same directory as their final name so that the rename which publishes
 * them is atomic (one file system).
 */
public record StorePaths(Path root) {
  static final String TEMP_PREFIX = ".tmp-";
  private static final Pattern COMPRESSION_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  public StorePaths {
    root = root.toAbsolutePath().normalize();
  }

  /** The {@code oci-layout} marker file. */
  public Path ociLayoutFile() {
    return root.resolve("oci-layout");
  }

  /** The {@code index.json} naming the store's images. */
  public Path indexFile() {
    return root.resolve("index.json");
  }

  /** The directory holding the blobs of one digest algorithm, e.g. {@code blobs/sha256}. */
  public Path blobDirectory(String algorithm) {
    return root.resolve("blobs").resolve(algorithm);
  }

  /** The final location of a blob. */
  public Path blob(Digest digest) {
    return blobDirectory(digest.algorithm()).resolve(digest.hex());
  }

  /** A fresh, unused name for a blob being written, in the directory of its final name. */
  public Path newBlobTempFile(String algorithm) {
    return blobDirectory(algorithm).resolve(TEMP_PREFIX + UUID.randomUUID());
  }

  /** A fresh, unused temp name next to {@code target}, for writing it atomically. */
  public static Path newTempFileNextTo(Path target) {
    return target.resolveSibling(TEMP_PREFIX + UUID.randomUUID());
  }

  /** Whether {@code file} is a temp file of this store (left behind if a writer was killed). */
  public static boolean isTempFile(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().startsWith(TEMP_PREFIX);
  }

  /**
   * The insecure registries that answered over plain HTTP (one {@code host:port} a line), so that
   * later builds skip the HTTPS attempt.
   */
  public Path plainHttpRegistries() {
    return kilnDirectory().resolve("plain-http-registries");
  }

  /** kiln's own bookkeeping directory inside the layout. */
  public Path kilnDirectory() {
    return root.resolve("kiln");
  }

  /** The directory of the builds' private workspaces (see {@link WorkspaceLock}). */
  public Path workspacesDirectory() {
    return root.resolve("tmp");
  }

  /** The lock file taken while {@code index.json} is read, changed and replaced. */
  public Path indexLockFile() {
    return kilnDirectory().resolve("index.lock");
  }

  /**
   * The record of the compressed blob made from the uncompressed layer {@code diffId} with {@code
   * compression} (a short lowercase name such as {@code gzip} or {@code zstd}).
   */
  public Path layerRecord(String compression, Digest diffId) {
    if (!COMPRESSION_NAME.matcher(compression).matches()) {
      throw new IllegalArgumentException(
          "invalid compression name '" + compression + "': expected lowercase [a-z0-9._-]");
    }
    return kilnDirectory()
        .resolve("layers")
        .resolve(compression)
        .resolve(diffId.algorithm())
        .resolve(diffId.hex() + ".json");
  }

  /**
   * The lock file held while the store is pruned, and briefly by a build that starts relying on
   * blobs already in the store ({@link ContentStore#retain}), so a prune never deletes a blob that
   * a build has just decided to reuse.
   */
  public Path gcLockFile() {
    return kilnDirectory().resolve("gc.lock");
  }

  /** The directory of the build cache entries. */
  public Path buildCacheDirectory() {
    return kilnDirectory().resolve("buildcache");
  }

  /** The build cache entry of the step whose cache key is {@code key}. */
  public Path buildCacheEntry(Digest key) {
    return buildCacheDirectory().resolve(key.algorithm()).resolve(key.hex() + ".json");
  }

  /** The directory of the blob origin records ({@link BlobOrigins}). */
  public Path blobOriginsDirectory() {
    return kilnDirectory().resolve("blob-origins");
  }

  /** Which repositories {@code blob} came from. */
  public Path blobOrigins(Digest blob) {
    return blobOriginsDirectory().resolve(blob.algorithm()).resolve(blob.hex());
  }

  /** The directory of the verified blob diffIDs ({@link BlobDiffIds}). */
  public Path blobDiffIdsDirectory() {
    return kilnDirectory().resolve("blob-diffids");
  }

  /** The diffID {@code blob} was seen to uncompress to. */
  public Path blobDiffId(Digest blob) {
    return blobDiffIdsDirectory().resolve(blob.algorithm()).resolve(blob.hex());
  }

  /** The directory of the layer indexes: one file per layer, named by its diffID. */
  public Path layerIndexDirectory() {
    return kilnDirectory().resolve("layer-index");
  }

  /**
   * The index of the layer whose uncompressed tar is {@code diffId}: every entry's header and where
   * its bytes are, so no step has to read a layer to learn what it holds.
   */
  public Path layerIndex(Digest diffId) {
    return layerIndexDirectory().resolve(diffId.algorithm()).resolve(diffId.hex());
  }

  /** The directory of the layers' package facts: one file per layer, named by its diffID. */
  public Path layerPackagesDirectory() {
    return kilnDirectory().resolve("layer-packages");
  }

  /**
   * The packages the SBOM scan found in the files of the layer whose uncompressed tar is {@code
   * diffId}, so a layer is scanned once, whatever image or build it is in.
   */
  public Path layerPackages(Digest diffId) {
    return layerPackagesDirectory().resolve(diffId.algorithm()).resolve(diffId.hex());
  }

  /** The directory of the stat memos (one file per build context directory). */
  public Path statMemoDirectory() {
    return kilnDirectory().resolve("statmemo");
  }

  /**
   * The stat memo of the build context at {@code contextRoot}: named by the sha256 of its absolute,
   * normalised path, so each context directory has its own memo.
   */
  public Path statMemo(Path contextRoot) {
    String path = contextRoot.toAbsolutePath().normalize().toString();
    Digest name = Digest.sha256(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return statMemoDirectory().resolve(name.hex() + ".bin");
  }
}
