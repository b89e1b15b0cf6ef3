package dev.kiln.core.engine;

import dev.kiln.api.request.BuildRequest;
import dev.kiln.core.step.SourceTree;
import dev.kiln.registry.model.Platform;

/**
 * What every step of one platform's build shares: the request, the build context and the platform,
 * with the rest grouped by what it is for, so that a step that only writes history or a layer takes
 * only that group: where things live ({@link BuildStorage}), how the build stamps what it writes
 * ({@link WriteSettings}) and how it reports ({@link BuildReporting}).
 */
record BuildScope(
    BuildRequest request,
    SourceTree context,
    Platform targetPlatform,
    BuildStorage storage,
    WriteSettings write,
    BuildReporting reporting) {}
