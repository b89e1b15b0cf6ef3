package dev.kiln.core.layer;

import dev.kiln.cache.store.BlobDiffIds;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.LayerRecord;
import dev.kiln.cache.store.PendingBlob;
import dev.kiln.cache.store.StoredBlob;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Gives an existing layer blob another compression (or level): the blob is decompressed and
 * compressed again in one streaming pass, straight into a pending blob of the content store, and
 * the uncompressed bytes are hashed on the way so the result provably has the diffID the image
 * config lists. The new blob is recorded under {@link LayerOptions#recordName()}, so the next build
 * asking for the same form reuses it instead of compressing again.
 */
public final class LayerRecompressor {
  private final ContentStore store;
  private final LayerOptions options;

  public LayerRecompressor(ContentStore store, LayerOptions options) {
    this.store = store;
    this.options = options;
  }

  /** Opens a layer blob's bytes, verified against its descriptor. */
  @FunctionalInterface
  public interface BlobOpener {
    InputStream open(Descriptor blob) throws IOException;
  }

  /** The compression a layer media type names ({@code +gzip}, {@code +zstd}, else a plain tar). */
  public static Compression compressionOf(String mediaType) {
    if (MediaType.isGzipLayer(mediaType)) {
      return Compression.GZIP;
    }
    return MediaType.isZstdLayer(mediaType) ? Compression.ZSTD : Compression.NONE;
  }

  /** The blob recorded for {@code diffId} in this form, if the store still holds it. */
  public Optional<LayerRecord> recorded(Digest diffId) throws IOException {
    return store.layerRecords().find(diffId, options.recordName());
  }

  /**
   * The blob of {@code diffId} in this form: the recorded one, else {@code blob} recompressed.
   *
   * @throws LayerFormatException if {@code blob} does not uncompress to {@code diffId}, or its
   *     compressed stream is damaged
   */
  public LayerRecord convert(Descriptor blob, Digest diffId, BlobOpener source) throws IOException {
    Optional<LayerRecord> recorded = recorded(diffId);
    if (recorded.isPresent()) {
      return recorded.get();
    }
    Compression from = compressionOf(blob.mediaType());
    try (InputStream tar = DecompressedStream.of(source.open(blob), from);
        PendingBlob pending = store.blobWriter().begin()) {
      OutputStream compressor =
          LayerWriter.compressor(new LayerWriter.Shield(pending), options.compression(), options);
      HashingOutputStream uncompressed = new HashingOutputStream(compressor);
      boolean done = false;
      try {
        tar.transferTo(uncompressed);
        uncompressed.flush();
        compressor.close();
        done = true;
      } finally {
        if (!done && compressor instanceof ParallelGzipOutputStream gzip) {
          gzip.abort();
        } else if (!done) {
          LayerWriter.closeQuietly(compressor);
        }
      }
      Digest actual = uncompressed.digest();
      if (!actual.equals(diffId)) {
        // The pending blob is dropped when closed: nothing is recorded under the claimed diffID.
        throw new DiffIdMismatchException("", blob.digest(), diffId, actual);
      }
      // Both blobs were hashed in full: neither needs reading again to show its diffID.
      BlobDiffIds facts = new BlobDiffIds(store.paths());
      facts.record(blob.digest(), diffId);
      // Another build may have recorded this form meanwhile: one blob per form.
      Optional<LayerRecord> meanwhile = recorded(diffId);
      if (meanwhile.isPresent()) {
        return meanwhile.get();
      }
      StoredBlob stored = pending.commit();
      LayerRecord record =
          new LayerRecord(
              diffId,
              options.recordName(),
              stored.digest(),
              stored.size(),
              options.compression().mediaType(),
              uncompressed.count());
      store.layerRecords().put(record);
      facts.record(stored.digest(), diffId);
      return record;
    }
  }
}
