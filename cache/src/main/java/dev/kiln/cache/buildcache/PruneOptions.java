package dev.kiln.cache.buildcache;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@code kiln cache prune} should remove.
 *
 * @param all remove every cache entry (that the {@code until} filter allows)
 * @param keepStorage remove least recently used entries until the blobs of the remaining entries
 *     take at most this many bytes; takes precedence over {@code all}
 * @param until only entries not used for at least this long are eligible
 * @param grace unreferenced blobs and abandoned temp files younger than this are kept, because a
 *     running build may have written them and not yet recorded them
 */
public record PruneOptions(
    boolean all, OptionalLong keepStorage, Optional<Duration> until, Duration grace) {
  /** The default grace period: longer than a build normally takes between writing and recording. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

  public PruneOptions {
    Objects.requireNonNull(keepStorage, "keepStorage");
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(grace, "grace");
    if (keepStorage.isPresent() && keepStorage.getAsLong() < 0) {
      throw new IllegalArgumentException("--keep-storage must not be negative");
    }
    if (until.isPresent() && until.get().isNegative()) {
      throw new IllegalArgumentException("until must not be negative");
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the grace period must not be negative");
    }
  }

  /** Only collect what nothing references: no entry is removed unless it is broken. */
  public static PruneOptions unreferencedOnly() {
    return new PruneOptions(false, OptionalLong.empty(), Optional.empty(), DEFAULT_GRACE);
  }

  public PruneOptions withGrace(Duration newGrace) {
    return new PruneOptions(all, keepStorage, until, newGrace);
  }
}
