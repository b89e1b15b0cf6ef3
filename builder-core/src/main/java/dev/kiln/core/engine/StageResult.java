package dev.kiln.core.engine;

import dev.kiln.dockerfile.plan.Stage;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import java.util.List;
import java.util.Map;

/**
 * A stage after its last instruction: the cache key of its last step (which fixes its content), its
 * state (what a later {@code FROM stage} starts from and {@code COPY --from} reads), the config Env
 * and state environment (ARGs included) the frontend computed, and where registry layers in it can
 * be mounted from.
 */
record StageResult(
    Stage stage,
    dev.kiln.cache.buildcache.CacheKey key,
    StageState state,
    List<String> imageEnv,
    Map<String, String> stateEnv,
    Map<Digest, ImageReference> mountSources,
    int stepsExecuted,
    int stepsCached) {}
