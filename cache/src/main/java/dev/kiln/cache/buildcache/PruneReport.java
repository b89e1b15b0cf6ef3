package dev.kiln.cache.buildcache;

import java.util.List;

/**
 * What a prune did.
 *
 * @param removedEntries the cache entries removed
 * @param removedBlobs how many unreferenced blobs were deleted
 * @param freedBytes their total size
 * @param keptYoungBlobs unreferenced blobs kept because they are younger than the grace period
 * @param removedTempFiles abandoned temp files deleted (left by killed writers)
 * @param keptLiveTempFiles temp files kept because a live writer holds them or they are young
 * @param removedLayerRecords layer records deleted because their blob is gone
 * @param removedStatMemos stat memos deleted ({@code --all} only)
 * @param removedUnpackedLayers unpacked layer directories deleted ({@code --all}, or unused for the
 *     {@code until} filter's duration)
 * @param unpackedLayerBytes the size of the files in them
 * @param unpackedLayersKeptForRunningBuild true when a running build kept every unpacked layer
 */
public record PruneReport(
    List<CacheKey> removedEntries,
    int removedBlobs,
    long freedBytes,
    int keptYoungBlobs,
    int removedTempFiles,
    int keptLiveTempFiles,
    int removedLayerRecords,
    int removedStatMemos,
    int removedUnpackedLayers,
    long unpackedLayerBytes,
    boolean unpackedLayersKeptForRunningBuild) {
  public PruneReport {
    removedEntries = List.copyOf(removedEntries);
  }
}
