package dev.kiln.dockerfile.instructions;

import java.util.List;

/**
 * The instructions of one stage as written: its FROM and what follows it up to the next FROM.
 *
 * @param from the FROM that starts the stage
 * @param commands the instructions after FROM, in order
 */
public record StageInstructions(FromInstruction from, List<Instruction> commands) {
  public StageInstructions {
    commands = List.copyOf(commands);
  }
}
