package dev.kiln.core.engine;

import dev.kiln.cache.buildcache.CacheKeyBuilder;
import dev.kiln.core.step.CopyFailure;
import java.io.IOException;

/**
 * One kind of instruction: what its cache key covers and what it does, side by side, so the two
 * cannot drift apart. {@link Steps} picks the step for an instruction kind and adds the parts of
 * the key every step shares (previous key, instruction text, variables read, the config it starts
 * from).
 */
interface Step {
  /** Adds what this kind of step reads, beyond the shared parts, to its key. */
  void key(StepInput in, CacheKeyBuilder key) throws IOException, CopyFailure;

  /** Runs the step and returns the stage's state after it. */
  StageState execute(StepInput in) throws IOException, CopyFailure, RunFailedException;

  /**
   * Whether the step's result does not depend on the stage below it ({@code COPY --link}): its key
   * then covers its own inputs only, not the previous step nor the state, and a hit is put on top
   * of whatever the stage holds.
   */
  default boolean keysOnOwnInputs(StepInput in) {
    return false;
  }

  /** Whether the step may write a layer (its key then covers the layer compression). */
  boolean writesLayers();

  /**
   * Whether its result is recorded and reused. Every step's is, config-only ones included: a
   * rebuild then reproduces their history entries too, so an unchanged Dockerfile gives the same
   * image digest. ADD of a URL without {@code --checksum} is fetched every time.
   */
  default boolean cacheable(StepInput in) {
    return true;
  }
}
