package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;

/** {@code MAINTAINER name} (deprecated; sets the image author). */
public record MaintainerInstruction(Node node, String maintainer) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.MAINTAINER;
  }
}
