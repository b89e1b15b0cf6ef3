package dev.kiln.core.engine;

import dev.kiln.api.event.StepRef;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.plan.DispatchedInstruction;

/**
 * Everything one step works with: the instruction (as parsed and as expanded, with the variables it
 * read), the stage's state before it, the rest of the build it may read from, and where its
 * progress is reported.
 *
 * @param stage the index of the step's stage in the plan
 * @param cmdSetInStage whether a CMD came earlier in this stage (ENTRYPOINT then keeps it)
 */
record StepInput(
    DispatchedInstruction step,
    StageState state,
    StageResults stages,
    int stage,
    boolean cmdSetInStage,
    StepRef ref) {

  /** The instruction with its words expanded. */
  Instruction instruction() {
    return step.expanded();
  }
}
