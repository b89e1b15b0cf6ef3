package dev.kiln.core.layer;

import dev.kiln.registry.model.Compression;
import java.util.OptionalLong;

/**
 * How {@link LayerWriter} writes a layer.
 *
 * @param compression the blob's compression
 * @param level compression level (gzip 0-9, zstd 0-22, as buildx takes them); ignored for {@link
 *     Compression#NONE}
 * @param threads threads compressing gzip; the bytes written are the same for any number
 * @param sourceDateEpoch if present, every entry's mtime is clamped to at most this many seconds
 *     since the epoch ({@code SOURCE_DATE_EPOCH}), so that rebuilding later gives the same layer
 * @param hashBeforeCompressing hash the uncompressed tar first and, if the content store already
 *     records a blob for that diffID and compression, reuse it without compressing anything. Costs
 *     a second read of the entries' content on a miss and needs content that can be opened twice
 *     (files, bytes); turn it off for single-pass sources such as {@link LayerReader} entries
 */
public record LayerOptions(
    Compression compression,
    int level,
    int threads,
    OptionalLong sourceDateEpoch,
    boolean hashBeforeCompressing) {
  public LayerOptions {
    if (compression == null) {
      throw new IllegalArgumentException("compression is required");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    }
    if (compression == Compression.GZIP && (level < 0 || level > 9)) {
      throw new IllegalArgumentException("gzip level must be 0-9, not " + level);
    }
    if (compression == Compression.ZSTD && (level < 0 || level > 22)) {
      throw new IllegalArgumentException("zstd level must be 0-22, not " + level);
    }
    if (sourceDateEpoch == null) {
      sourceDateEpoch = OptionalLong.empty();
    }
  }

  /** gzip at level 6 on all cores, no time clamp, hashing before compressing. */
  public static LayerOptions defaults() {
    return new LayerOptions(
        Compression.GZIP,
        defaultLevel(Compression.GZIP),
        Runtime.getRuntime().availableProcessors(),
        OptionalLong.empty(),
        true);
  }

  /** These options with another compression at its default level. */
  public LayerOptions withCompression(Compression newCompression) {
    return new LayerOptions(
        newCompression,
        defaultLevel(newCompression),
        threads,
        sourceDateEpoch,
        hashBeforeCompressing);
  }

  public LayerOptions withLevel(int newLevel) {
    return new LayerOptions(compression, newLevel, threads, sourceDateEpoch, hashBeforeCompressing);
  }

  public LayerOptions withThreads(int newThreads) {
    return new LayerOptions(compression, level, newThreads, sourceDateEpoch, hashBeforeCompressing);
  }

  /** These options clamping mtimes to {@code epochSeconds} ({@code SOURCE_DATE_EPOCH}). */
  public LayerOptions withSourceDateEpoch(long epochSeconds) {
    return new LayerOptions(
        compression, level, threads, OptionalLong.of(epochSeconds), hashBeforeCompressing);
  }

  public LayerOptions withHashBeforeCompressing(boolean enabled) {
    return new LayerOptions(compression, level, threads, sourceDateEpoch, enabled);
  }

  /** The level used when none is chosen: gzip's own default, zstd's. */
  static int defaultLevel(Compression compression) {
    return switch (compression) {
      case NONE -> 0;
      case GZIP -> 6;
      case ZSTD -> 3;
    };
  }

  /**
   * The name the content store records a blob of these options under ({@code diffID → blob}): the
   * compression's label, with the level when it is not the codec's default ({@code gzip-9}). A blob
   * compressed at another level is then no answer to a request for this one, so {@code
   * compression-level} is honoured even when a blob of the same tar exists already.
   */
  public String recordName() {
    return compression == Compression.NONE || level == defaultLevel(compression)
        ? compression.label()
        : compression.label() + "-" + level;
  }

  /** Whether the level is the codec's default, which cache keys and records leave unnamed. */
  public boolean defaultLevelChosen() {
    return compression == Compression.NONE || level == defaultLevel(compression);
  }

  /** The mtime an entry gets in the tar. */
  long clampMtime(long mtime) {
    return sourceDateEpoch.isPresent() ? Math.min(mtime, sourceDateEpoch.getAsLong()) : mtime;
  }
}
