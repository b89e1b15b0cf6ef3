package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.SourceRange;
import java.util.Locale;

/**
 * One typed Dockerfile instruction. Each record keeps the {@link Node} it was built from (for
 * locations and the original text) and returns a new record from {@link #expand}, so a parsed
 * instruction is never changed by expansion.
 */
public sealed interface Instruction
    permits AddInstruction,
        ArgInstruction,
        CmdInstruction,
        CopyInstruction,
        EntrypointInstruction,
        EnvInstruction,
        ExposeInstruction,
        FromInstruction,
        HealthcheckInstruction,
        LabelInstruction,
        MaintainerInstruction,
        OnbuildInstruction,
        RunInstruction,
        ShellInstruction,
        StopSignalInstruction,
        UserInstruction,
        VolumeInstruction,
        WorkdirInstruction {

  /** The AST node this instruction was read from. */
  Node node();

  /**
   * Which instruction this is, for code that must handle every kind: a {@code switch} over it is
   * checked for completeness by the compiler (a pattern switch over this sealed interface is only a
   * preview in Java 17).
   */
  InstructionKind kind();

  /** The instruction name in upper case, e.g. {@code RUN}. */
  default String name() {
    return node().keyword().toUpperCase(Locale.ROOT);
  }

  default SourceRange range() {
    return node().range();
  }

  /** The instruction as written (continuations joined). */
  default String original() {
    return node().original();
  }

  /**
   * This instruction with its words expanded exactly where BuildKit expands them; instructions that
   * BuildKit does not expand (RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK, ONBUILD, MAINTAINER, ARG,
   * FROM) return themselves (RUN only expands its {@code --mount} options).
   */
  default Instruction expand(Expansion expansion) {
    return this;
  }
}
