package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import java.util.List;

/** {@code LABEL k=v ...}. */
public record LabelInstruction(Node node, List<KeyValue> labels) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.LABEL;
  }

  public LabelInstruction {
    labels = List.copyOf(labels);
  }

  @Override
  public LabelInstruction expand(Expansion ex) {
    return new LabelInstruction(node, EnvInstruction.expandPairs(labels, ex));
  }
}
