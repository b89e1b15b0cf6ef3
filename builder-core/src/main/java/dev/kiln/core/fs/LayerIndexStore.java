package dev.kiln.core.fs;

import dev.kiln.cache.store.AtomicFile;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.layer.VerifiedTar;
import dev.kiln.registry.model.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The layer indexes of one content store: each made once (by the writer of a layer, or by reading
 * the layer the first time anything asks) and kept in the store under the layer's diffID, where
 * every later build and every kiln process finds it. Within a process an index is read from disk
 * once; two threads that need the same missing index make it once.
 */
public final class LayerIndexStore {
  private final StorePaths paths;
  private final VerifiedBlobs verified;
  private final Map<Digest, LayerIndex> loaded = new ConcurrentHashMap<>();
  private final Map<Digest, Object> making = new ConcurrentHashMap<>();

  public LayerIndexStore(StorePaths paths) {
    this.paths = paths;
    this.verified = new VerifiedBlobs(paths);
  }

  /** Which blobs of this store are known to have the diffIDs their images claim. */
  public VerifiedBlobs verifiedBlobs() {
    return verified;
  }

  /**
   * The index of {@code layer}, reading the layer through {@code blobs} if the store has none. An
   * index already kept under the layer's diffID may have been made from another blob: it is handed
   * out only once {@code layer}'s blob is known to have that diffID (read in full if need be),
   * since what is read at its offsets comes from this blob.
   *
   * @throws dev.kiln.core.layer.DiffIdMismatchException if the blob is not the claimed diffID
   */
  public LayerIndex get(LayerRef layer, BlobSource blobs) throws IOException {
    Digest diffId = layer.diffId();
    LayerIndex index = loaded.get(diffId);
    if (index != null) {
      verified.check(layer, blobs);
      return index;
    }
    synchronized (making.computeIfAbsent(diffId, d -> new Object())) {
      index = loaded.get(diffId);
      if (index == null) {
        index = readStored(diffId);
        if (index == null) {
          // Kept under the diffID the config claims, so kept only once the bytes have it.
          try (VerifiedTar tar =
                  VerifiedTar.open(
                      blobs.open(layer.blob()), blobs.imageName(), layer.blob().digest(), diffId);
              LayerReader reader = LayerReader.ofTar(tar)) {
            index = LayerIndex.of(reader);
            tar.verify();
          }
          verified.record(layer.blob().digest(), diffId);
          store(diffId, index);
        }
        loaded.put(diffId, index);
      }
      verified.check(layer, blobs);
      return index;
    }
  }

  /**
   * The index of the layer {@code diffId} if this process or the store has it, without reading the
   * layer.
   */
  public Optional<LayerIndex> find(Digest diffId) {
    LayerIndex index = loaded.get(diffId);
    if (index == null) {
      index = readStored(diffId);
      if (index != null) {
        loaded.putIfAbsent(diffId, index);
      }
    }
    return Optional.ofNullable(index);
  }

  /** Records the index of a layer whose entries are known without reading it (kiln wrote it). */
  public void put(Digest diffId, LayerIndex index) throws IOException {
    loaded.put(diffId, index);
    if (!Files.isRegularFile(paths.layerIndex(diffId))) {
      store(diffId, index);
    }
  }

  private LayerIndex readStored(Digest diffId) {
    Path file = paths.layerIndex(diffId);
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      return LayerIndex.read(in);
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      // A damaged or older index is made again from the layer.
      return null;
    }
  }

  private void store(Digest diffId, LayerIndex index) throws IOException {
    Path file = paths.layerIndex(diffId);
    Files.createDirectories(file.getParent());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    index.write(bytes);
    AtomicFile.write(file, bytes.toByteArray());
  }
}
