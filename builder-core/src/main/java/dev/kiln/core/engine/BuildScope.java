package dev.kiln.core.engine;

import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.core.fs.StackViews;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.step.SourceTree;
import dev.kiln.registry.model.Platform;
import java.nio.file.Path;
import java.time.Clock;

/**
 * What every step of one platform's build shares: the request, the store, base image resolution,
 * the build context, where progress goes and how steps are named there ({@link StepLabels}), the
 * build's timestamp, layer options, a spool directory for temporary files (removed with the build),
 * the platform, the views of the stacks of layers the build's stages stand on, and the clock every
 * event and time of the build is read from (injected, so tests need not wait for the wall clock).
 *
 * @param created RFC 3339 time written into the config and history ({@code SOURCE_DATE_EPOCH} or
 *     the build's start)
 * @param createdSeconds the time of entries the build creates itself (directories, heredoc files):
 *     {@code SOURCE_DATE_EPOCH}, or 0 without it, so that layers never depend on the clock
 */
record BuildScope(
    BuildRequest request,
    ContentStore store,
    BaseImages baseImages,
    SourceTree context,
    BuildListener listener,
    String created,
    long createdSeconds,
    LayerOptions layerOptions,
    Path spool,
    Platform targetPlatform,
    StepLabels labels,
    StackViews views,
    Clock clock) {

  /** Blobs already in the content store (layers this build wrote). */
  dev.kiln.core.image.BlobSource storeBlobs() {
    return new dev.kiln.core.image.StoreBlobSource(store);
  }
}
