package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;

/** {@code HEALTHCHECK [options] CMD ...} or {@code HEALTHCHECK NONE}. */
public record HealthcheckInstruction(Node node, HealthConfig health) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.HEALTHCHECK;
  }
}
