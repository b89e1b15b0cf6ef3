package dev.kiln.cache.buildcache;

import dev.kiln.registry.model.Digest;
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
 * @param removedUnpackedLayers unpacked layer directories deleted
 * @param unpackedLayerBytes the size of the files in them
 * @param unpackedLayersKeptForRunningBuild true when a running build kept every unpacked layer and
 *     cache mount the options would have removed
 * @param removedUntaggedImages images named by their digest only that were removed from {@code
 *     index.json}
 * @param removedCacheMounts cache mount directories deleted
 * @param cacheMountBytes the size of the files in them
 * @param removedLayerIndexes layer indexes deleted because no layer the store keeps has their
 *     diffID
 * @param removedBlobOrigins blob origin records deleted because their blob is gone
 * @param storeBytesBefore what the store took on disk before (as {@code du})
 * @param storeBytesAfter what it takes after
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
    boolean unpackedLayersKeptForRunningBuild,
    List<Digest> removedUntaggedImages,
    int removedCacheMounts,
    long cacheMountBytes,
    int removedLayerIndexes,
    int removedBlobOrigins,
    long storeBytesBefore,
    long storeBytesAfter) {
  public PruneReport {
    removedEntries = List.copyOf(removedEntries);
    removedUntaggedImages = List.copyOf(removedUntaggedImages);
  }
}
