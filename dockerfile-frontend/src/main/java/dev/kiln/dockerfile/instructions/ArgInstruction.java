package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.SourceRange;
import java.util.List;

/**
 * {@code ARG name[=default] ...}. Defaults are expanded by the plan's dispatcher (and only when no
 * build argument replaces them), not by {@link #expand}.
 */
public record ArgInstruction(Node node, List<ArgDeclaration> args) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.ARG;
  }

  public ArgInstruction {
    args = List.copyOf(args);
  }

  /** Where {@code declaration} is written, for errors in its default; else the keyword. */
  public SourceRange declarationRange(ArgDeclaration declaration) {
    String written =
        declaration.defaultValue() == null ? declaration.key() : declaration.key() + "=";
    return node.find(written).orElse(node.keywordRange());
  }
}
