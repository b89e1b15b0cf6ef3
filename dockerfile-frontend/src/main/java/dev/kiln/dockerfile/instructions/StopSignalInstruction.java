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
    String expanded = ex.word(signal);
    StopSignals.check(expanded);
    return new StopSignalInstruction(node, expanded);
  }
}
