package dev.kiln.core.engine;

import java.util.Map;

/**
 * How one platform's build names its steps in progress events and errors.
 *
 * @param dockerfileName the Dockerfile's name, for {@code Dockerfile:LINE} locations
 * @param stepOffsets each stage's first step number, so that numbers do not depend on which
 *     parallel stage starts first (and run on from one platform to the next)
 * @param singleStage whether the build has one stage, whose name labels then leave out
 * @param multiPlatform whether the build makes an index of several platforms: each step's label
 *     then names the platform it is built for
 */
record StepLabels(
    String dockerfileName,
    Map<Integer, Integer> stepOffsets,
    boolean singleStage,
    boolean multiPlatform) {}
