package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;

/** {@code USER user[:group]}. */
public record UserInstruction(Node node, String user) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.USER;
  }

  @Override
  public UserInstruction expand(Expansion ex) {
    return new UserInstruction(node, UserSpec.checked(ex.word(user)));
  }
}
