package dev.kiln.core.engine;

import dev.kiln.dockerfile.plan.BuildPlan;
import java.util.Map;

/**
 * What a step may read of the rest of the build: the plan of its stage (with any ONBUILD triggers
 * spliced in), which says what each {@code --from} names, and the stages finished so far.
 */
record StageResults(BuildPlan plan, Map<Integer, StageResult> done) {
  /** The result of stage {@code index}, which the scheduler finished before this step's stage. */
  StageResult of(int index) {
    StageResult result = done.get(index);
    if (result == null) {
      throw new IllegalStateException("stage " + index + " was needed before it was built");
    }
    return result;
  }
}
