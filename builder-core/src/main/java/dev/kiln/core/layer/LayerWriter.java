package dev.kiln.core.layer;

import dev.kiln.cache.store.BlobDiffIds;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.LayerRecord;
import dev.kiln.cache.store.PendingBlob;
import dev.kiln.cache.store.StoredBlob;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.Digest;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorOutputStream;

/**
 * Turns entries into a layer blob in the content store: deterministic tar, compression, the
 * compressed digest and the diffID, in one streaming pass straight into a {@link PendingBlob}.
 *
 * <p>Entries must come in canonical order ({@link LayerPath#compare}), which {@link LayerTree}
 * produces from any order and a directory walk produces naturally; a hardlink must name a regular
 * file that came before it. The writer checks both as it goes and fails on the first violation, so
 * it never holds more than one entry's metadata plus the set of regular-file names (for the
 * hardlink check); content is streamed.
 *
 * <p>Reuse: before compressing, the uncompressed tar is hashed (when {@link
 * LayerOptions#hashBeforeCompressing()}) and a blob recorded for that diffID is returned instead of
 * compressing again; after writing, a blob already recorded for the diffID is preferred over the
 * new one, and otherwise the new blob is recorded. So one tar maps to one blob per compression,
 * even across hosts whose compressors differ, once a record is shared.
 */
public final class LayerWriter {
  private final ContentStore store;
  private final LayerOptions options;

  public LayerWriter(ContentStore store, LayerOptions options) {
    this.store = store;
    this.options = options;
  }

  /** Writes the entries of {@code tree}. */
  public WrittenLayer write(LayerTree tree) throws IOException {
    return write(tree.entries());
  }

  /**
   * Writes entries given in canonical order ({@link LayerEntry#CANONICAL_ORDER}) into the content
   * store. With {@link LayerOptions#hashBeforeCompressing()} the entries are iterated, and their
   * content opened, twice: pass a collection, not a one-shot {@code stream::iterator}.
   *
   * @throws IllegalArgumentException if the entries are out of order, repeat a path, or a hardlink
   *     does not name an earlier regular file
   * @throws IOException if content cannot be read or changes while it is written
   */
  public WrittenLayer write(Iterable<LayerEntry> entries) throws IOException {
    String recordName = options.recordName();
    Digest precomputed = null;
    if (options.hashBeforeCompressing()) {
      TarSummary hashed = writeTar(entries, OutputStream.nullOutputStream(), Compression.NONE);
      precomputed = hashed.diffId();
      Optional<LayerRecord> recorded = store.layerRecords().find(precomputed, recordName);
      if (recorded.isPresent()) {
        return known(reused(recorded.get(), hashed.contents()));
      }
    }
    try (PendingBlob blob = store.blobWriter().begin()) {
      TarSummary tar = writeTar(entries, blob, options.compression());
      if (precomputed != null && !precomputed.equals(tar.diffId())) {
        throw new IOException(
            "layer content changed while it was written (diffID "
                + precomputed
                + " then "
                + tar.diffId()
                + "); is something modifying the files being copied?");
      }
      Optional<LayerRecord> recorded = store.layerRecords().find(tar.diffId(), recordName);
      if (recorded.isPresent()) {
        return known(reused(recorded.get(), tar.contents()));
      }
      StoredBlob stored = blob.commit();
      LayerRecord record =
          new LayerRecord(
              tar.diffId(),
              recordName,
              stored.digest(),
              stored.size(),
              options.compression().mediaType(),
              tar.size());
      store.layerRecords().put(record);
      return known(
          new WrittenLayer(
              stored.digest(),
              stored.size(),
              record.mediaType(),
              tar.diffId(),
              tar.size(),
              options.compression(),
              false,
              tar.contents()));
    }
  }

  /**
   * Records that the layer's blob has its diffID (kiln hashed both as it wrote them), so the builds
   * that use its index or directory need not read it in full to learn that.
   */
  private WrittenLayer known(WrittenLayer layer) throws IOException {
    new BlobDiffIds(store.paths()).record(layer.digest(), layer.diffId());
    return layer;
  }

  /**
   * Streams a layer to {@code out} (left open) without the content store, e.g. for an export or a
   * test, and returns its digests.
   */
  public static WrittenLayer writeTo(
      OutputStream out, Iterable<LayerEntry> entries, LayerOptions options) throws IOException {
    HashingOutputStream compressed = new HashingOutputStream(out);
    TarSummary tar =
        new LayerWriter(null, options).writeTar(entries, compressed, options.compression());
    compressed.flush();
    return new WrittenLayer(
        compressed.digest(),
        compressed.count(),
        options.compression().mediaType(),
        tar.diffId(),
        tar.size(),
        options.compression(),
        false,
        tar.contents());
  }

  private WrittenLayer reused(LayerRecord record, WrittenLayer.TarContents contents) {
    return new WrittenLayer(
        record.digest(),
        record.size(),
        record.mediaType(),
        record.diffId(),
        record.uncompressedSize(),
        options.compression(),
        true,
        contents);
  }

  private record TarSummary(Digest diffId, long size, WrittenLayer.TarContents contents) {}

  private TarSummary writeTar(
      Iterable<LayerEntry> entries, OutputStream sink, Compression compression) throws IOException {
    OutputStream compressor = compressor(new Shield(sink), compression, options);
    boolean done = false;
    try {
      HashingOutputStream tarBytes =
          new HashingOutputStream(new BufferedOutputStream(new Shield(compressor), 64 * 1024));
      TarWriter tar = new TarWriter(tarBytes);
      String previous = null;
      Set<String> regularFiles = new HashSet<>();
      List<LayerEntry> headers = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      for (LayerEntry entry : entries) {
        if (previous != null && LayerPath.compare(previous, entry.path()) >= 0) {
          throw new IllegalArgumentException(
              "layer entries are not in canonical order: '"
                  + entry.path()
                  + "' comes after '"
                  + previous
                  + "' (collect them in a LayerTree to sort them)");
        }
        if (entry.type() == EntryType.HARDLINK && !regularFiles.contains(entry.linkTarget())) {
          throw new IllegalArgumentException(
              "hardlink '"
                  + entry.path()
                  + "' points to '"
                  + entry.linkTarget()
                  + "', which is not a regular file earlier in this layer");
        }
        if (entry.type() == EntryType.REGULAR) {
          regularFiles.add(entry.path());
        }
        long mtime = options.clampMtime(entry.mtime());
        offsets.add(tar.write(entry, mtime));
        headers.add(
            (mtime == entry.mtime() ? entry : entry.withMtime(mtime))
                .withContent(entry.size(), ContentSource.EMPTY));
        previous = entry.path();
      }
      tar.finish();
      tarBytes.flush();
      compressor.close();
      done = true;
      return new TarSummary(
          tarBytes.digest(),
          tarBytes.count(),
          new WrittenLayer.TarContents(
              headers, offsets.stream().mapToLong(Long::longValue).toArray()));
    } finally {
      if (!done && compressor instanceof ParallelGzipOutputStream gzip) {
        gzip.abort();
      } else if (!done) {
        closeQuietly(compressor);
      }
    }
  }

  /** A compressor of {@code compression} at {@code options}' level writing into {@code sink}. */
  static OutputStream compressor(OutputStream sink, Compression compression, LayerOptions options)
      throws IOException {
    switch (compression) {
      case NONE:
        return sink;
      case GZIP:
        return new ParallelGzipOutputStream(sink, options.level(), options.threads());
      case ZSTD:
        // Single-threaded zstd without checksum: its bytes depend only on the level and the
        // bundled libzstd version.
        return new ZstdCompressorOutputStream(sink, options.level(), false, false);
      default:
        throw new IllegalArgumentException("unknown compression " + compression);
    }
  }

  static void closeQuietly(OutputStream out) {
    try {
      out.close();
    } catch (IOException | RuntimeException e) {
      // already failing; the first error is the one to report
    }
  }

  /**
   * Passes writes through but never flushes or closes: a compressor must not close the blob it
   * writes into, and a flush in the middle of a zstd stream would end a block early and change the
   * bytes.
   */
  static final class Shield extends FilterOutputStream {
    Shield(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
