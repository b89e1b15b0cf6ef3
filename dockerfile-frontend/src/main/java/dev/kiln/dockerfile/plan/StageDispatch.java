package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.parser.ParseWarning;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stage walked in order for one base image environment.
 *
 * @param stage the stage
 * @param steps one entry per instruction, in order
 * @param imageEnv the image config's Env after the last instruction (what a stage built FROM this
 *     one starts with)
 * @param stateEnv the state environment after the last instruction, in order: the image Env plus
 *     the ARGs in scope. A stage built FROM this one starts with it, so its ARG values carry over
 *     as they do in BuildKit.
 */
public record StageDispatch(
    Stage stage,
    List<DispatchedInstruction> steps,
    List<String> imageEnv,
    Map<String, String> stateEnv,
    List<ParseWarning> warnings) {
  public StageDispatch {
    steps = List.copyOf(steps);
    imageEnv = List.copyOf(imageEnv);
    stateEnv = Collections.unmodifiableMap(new LinkedHashMap<>(stateEnv));
    warnings = List.copyOf(warnings);
  }
}
