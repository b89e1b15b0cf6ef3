package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;

/**
 * {@code ONBUILD <instruction>}: recorded in the image config, run when the image is used as a
 * base.
 *
 * @param expression the trigger text as stored in the image config (heredocs re-attached)
 */
public record OnbuildInstruction(Node node, String expression) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.ONBUILD;
  }
}
