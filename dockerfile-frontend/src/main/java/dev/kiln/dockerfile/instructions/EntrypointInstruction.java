package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;

/**
 * {@code ENTRYPOINT}: the image's entry point. {@code ENTRYPOINT []} has no arguments and clears
 * the entry point.
 */
public record EntrypointInstruction(Node node, CommandLine command) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.ENTRYPOINT;
  }
}
