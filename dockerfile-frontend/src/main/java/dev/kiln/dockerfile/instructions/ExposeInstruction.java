package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import java.util.ArrayList;
import java.util.List;

/** {@code EXPOSE <port>[/<proto>] ...}; after expansion each word may split into several. */
public record ExposeInstruction(Node node, List<String> ports) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.EXPOSE;
  }

  public ExposeInstruction {
    ports = List.copyOf(ports);
  }

  @Override
  public ExposeInstruction expand(Expansion ex) {
    List<String> out = new ArrayList<>();
    for (String p : ports) {
      out.addAll(ex.words(p));
    }
    return new ExposeInstruction(node, out);
  }

  /** The image config {@code ExposedPorts} keys ({@code 80/tcp}), ranges expanded. */
  public List<String> portKeys() {
    return PortSpecs.parsePorts(ports);
  }
}
