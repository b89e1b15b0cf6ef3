package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import java.util.List;

/**
 * {@code ARG name[=default] ...}. Defaults are expanded by the plan's dispatcher (and only when no
 * build argument replaces them), not by {@link #expand}.
 */
public record ArgInstruction(Node node, List<ArgDeclaration> args) implements Instruction {
  public ArgInstruction {
    args = List.copyOf(args);
  }
}
