package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;

/** {@code WORKDIR path}; a relative path is resolved against the previous working directory. */
public record WorkdirInstruction(Node node, String path) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.WORKDIR;
  }

  @Override
  public WorkdirInstruction expand(Expansion ex) {
    return new WorkdirInstruction(node, ex.word(path));
  }
}
