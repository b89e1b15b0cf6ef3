package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import java.util.Optional;

/**
 * {@code FROM [--platform=<p>] <image> [AS <name>]}: starts a stage.
 *
 * @param image the base as written (may hold variables: it is expanded with the global ARGs)
 * @param stageName the stage name in lower case, "" when unnamed
 * @param platform the {@code --platform} value as written, "" when not given
 * @param docComment the text of a preceding {@code # <name> <text>} comment, or ""
 */
public record FromInstruction(
    Node node, String image, String stageName, String platform, String docComment)
    implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.FROM;
  }

  /** The stage name, when the stage has one. */
  public Optional<String> stage() {
    return stageName.isEmpty() ? Optional.empty() : Optional.of(stageName);
  }
}
