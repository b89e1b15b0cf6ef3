package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.FromInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One stage of the plan. Its instructions are kept as parsed: values that depend on the base
 * image's environment are only known when {@link BuildPlan#dispatch} runs.
 *
 * @param index position in the Dockerfile, from 0
 * @param name the stage name in lower case, "" when unnamed
 * @param from its FROM instruction
 * @param base what it starts from (FROM expanded with the global ARGs)
 * @param platform the expanded {@code --platform}, null when not given
 * @param instructions the instructions after FROM (ONBUILD triggers of the base first, once spliced
 *     in with {@link BuildPlan#withOnbuildTriggers})
 * @param fromArgs the global ARGs the FROM line read, with their values
 */
public record Stage(
    int index,
    String name,
    FromInstruction from,
    StageBase base,
    Platform platform,
    List<Instruction> instructions,
    Map<String, String> fromArgs) {
  public Stage {
    instructions = List.copyOf(instructions);
    fromArgs = Map.copyOf(fromArgs);
  }

  /** The name, or {@code stage-<index>} for an unnamed stage (as BuildKit names them). */
  public String displayName() {
    return name.isEmpty() ? "stage-" + index : name;
  }

  public Optional<Platform> platformOptional() {
    return Optional.ofNullable(platform);
  }

  Stage withInstructions(List<Instruction> newInstructions) {
    return new Stage(index, name, from, base, platform, newInstructions, fromArgs);
  }
}
