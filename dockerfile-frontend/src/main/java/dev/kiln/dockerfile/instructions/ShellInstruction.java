package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import java.util.List;

/** {@code SHELL ["executable", "args"...]}: the shell that runs shell-form commands. */
public record ShellInstruction(Node node, List<String> shell) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.SHELL;
  }

  public ShellInstruction {
    shell = List.copyOf(shell);
  }
}
