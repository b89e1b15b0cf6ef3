package dev.kiln.dockerfile.plan;

import java.util.List;

/**
 * A stage walked in order for one base image environment.
 *
 * @param stage the stage
 * @param steps one entry per instruction, in order
 * @param imageEnv the image config's Env after the last instruction (what a stage built FROM this
 *     one starts with)
 */
public record StageDispatch(Stage stage, List<DispatchedInstruction> steps, List<String> imageEnv) {
  public StageDispatch {
    steps = List.copyOf(steps);
    imageEnv = List.copyOf(imageEnv);
  }
}
