package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;

/** {@code CMD}: the default command of the image (exec or shell form). */
public record CmdInstruction(Node node, CommandLine command) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.CMD;
  }
}
