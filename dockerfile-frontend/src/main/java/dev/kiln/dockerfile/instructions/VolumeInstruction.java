package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import java.util.List;

/** {@code VOLUME path...} or {@code VOLUME ["path", ...]}. */
public record VolumeInstruction(Node node, List<String> volumes) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.VOLUME;
  }

  public VolumeInstruction {
    volumes = List.copyOf(volumes);
  }

  @Override
  public VolumeInstruction expand(Expansion ex) {
    return new VolumeInstruction(node, ex.eachWord(volumes));
  }
}
