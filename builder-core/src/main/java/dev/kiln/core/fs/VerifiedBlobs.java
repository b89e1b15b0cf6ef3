package dev.kiln.core.fs;

import dev.kiln.cache.store.BlobDiffIds;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.DiffIdMismatchException;
import dev.kiln.core.layer.VerifiedTar;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which layer blobs are known to uncompress to the diffID an image claims for them. The store keeps
 * a layer's index and unpacked directory under the diffID alone, made from whichever blob was read
 * first: before one is used for another blob (a forged image may claim an honest layer's diffID for
 * other bytes), that blob must be shown to have the diffID. The fact is kept in the store per blob
 * ({@link BlobDiffIds}), so a blob is read in full at most once per store; within a process a
 * checked blob costs a set lookup.
 */
public final class VerifiedBlobs {
  private final BlobDiffIds facts;
  private final Set<LayerKey> known = ConcurrentHashMap.newKeySet();
  private final Map<Digest, Object> checking = new ConcurrentHashMap<>();

  /** The blob facts of the store at {@code paths}. */
  public VerifiedBlobs(StorePaths paths) {
    this(new BlobDiffIds(paths));
  }

  private VerifiedBlobs(BlobDiffIds facts) {
    this.facts = facts;
  }

  /** Facts kept only for this process (no store: a test's layers). */
  public static VerifiedBlobs inMemory() {
    return new VerifiedBlobs((BlobDiffIds) null);
  }

  /** One blob and the diffID it uncompresses to. */
  private record LayerKey(Digest blob, Digest diffId) {}

  /**
   * Records that {@code blob} uncompresses to {@code diffId}: only after hashing all of its
   * uncompressed bytes, or for a layer kiln wrote itself.
   */
  public void record(Digest blob, Digest diffId) throws IOException {
    if (known.add(new LayerKey(blob, diffId)) && facts != null) {
      facts.record(blob, diffId);
    }
  }

  /**
   * Returns once {@code layer}'s blob is known to uncompress to its diffID, reading the blob in
   * full (and hashing it) when neither this process nor the store knows it yet. Call before using
   * anything kept under the diffID for this blob.
   *
   * @throws DiffIdMismatchException if the blob uncompresses to another diffID
   */
  public void check(LayerRef layer, BlobSource blobs) throws IOException {
    Digest blob = layer.blob().digest();
    Digest diffId = layer.diffId();
    LayerKey key = new LayerKey(blob, diffId);
    // An uncompressed blob's digest is its diffID, and the blob source checks the digest.
    if (blob.equals(diffId) || known.contains(key)) {
      return;
    }
    synchronized (checking.computeIfAbsent(blob, b -> new Object())) {
      if (known.contains(key)) {
        return;
      }
      Optional<Digest> seen = facts == null ? Optional.empty() : facts.find(blob);
      if (seen.isPresent()) {
        if (!seen.get().equals(diffId)) {
          throw new DiffIdMismatchException(blobs.imageName(), blob, diffId, seen.get());
        }
        known.add(key);
        return;
      }
      try (VerifiedTar tar =
          VerifiedTar.open(blobs.open(layer.blob()), blobs.imageName(), blob, diffId)) {
        tar.verify();
      }
      record(blob, diffId);
    }
  }
}
