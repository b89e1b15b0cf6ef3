package dev.kiln.cache.buildcache;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What {@code kiln cache prune} should remove.
 *
 * @param all remove every cache entry, untagged image, unpacked layer and cache mount (that the
 *     {@code until} filter allows)
 * @param keepStorage remove the least recently used of those until everything the store holds on
 *     disk takes at most this many bytes; takes precedence over {@code all}
 * @param until only what was not used for at least this long is eligible
 * @param grace unreferenced blobs and abandoned temp files younger than this are kept, because a
 *     running build may have written them and not yet recorded them
 * @param mountsOnly remove cache mounts (those of {@code mountIds}, or all), and of the rest only
 *     what a prune without options removes
 * @param mountIds with {@code mountsOnly}, the ids of the cache mounts to remove; empty for all
 */
public record PruneOptions(
    boolean all,
    OptionalLong keepStorage,
    Optional<Duration> until,
    Duration grace,
    boolean mountsOnly,
    Set<String> mountIds) {
  /** The default grace period: longer than a build normally takes between writing and recording. */
  public static final Duration DEFAULT_GRACE = Duration.ofHours(1);

  public PruneOptions {
    Objects.requireNonNull(keepStorage, "keepStorage");
    Objects.requireNonNull(until, "until");
    Objects.requireNonNull(grace, "grace");
    mountIds = Set.copyOf(mountIds);
    if (keepStorage.isPresent() && keepStorage.getAsLong() < 0) {
      throw new IllegalArgumentException("--keep-storage must not be negative");
    }
    if (until.isPresent() && until.get().isNegative()) {
      throw new IllegalArgumentException("until must not be negative");
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the grace period must not be negative");
    }
    if (!mountIds.isEmpty() && !mountsOnly) {
      throw new IllegalArgumentException("cache mount ids need mountsOnly");
    }
  }

  /** Options that leave cache mounts to {@code all}, {@code until} and {@code keepStorage}. */
  public PruneOptions(
      boolean all, OptionalLong keepStorage, Optional<Duration> until, Duration grace) {
    this(all, keepStorage, until, grace, false, Set.of());
  }

  /** Only collect what nothing references: no entry is removed unless it is broken. */
  public static PruneOptions unreferencedOnly() {
    return new PruneOptions(false, OptionalLong.empty(), Optional.empty(), DEFAULT_GRACE);
  }

  /** Only cache mounts: those with {@code ids}, or every one. */
  public static PruneOptions cacheMounts(Set<String> ids, Optional<Duration> until) {
    return new PruneOptions(false, OptionalLong.empty(), until, DEFAULT_GRACE, true, ids);
  }

  public PruneOptions withGrace(Duration newGrace) {
    return new PruneOptions(all, keepStorage, until, newGrace, mountsOnly, mountIds);
  }
}
