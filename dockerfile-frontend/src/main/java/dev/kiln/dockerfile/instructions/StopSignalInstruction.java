package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;

/** {@code STOPSIGNAL signal}. */
public record StopSignalInstruction(Node node, String signal) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.STOPSIGNAL;
  }

  @Override
  public StopSignalInstruction expand(Expansion ex) {
    return new StopSignalInstruction(node, ex.word(signal));
  }
}
