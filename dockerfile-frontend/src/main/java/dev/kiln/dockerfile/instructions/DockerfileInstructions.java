package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.ParsedDockerfile;
import java.util.ArrayList;
import java.util.List;

/**
 * A whole Dockerfile as typed instructions: the global ARGs before the first FROM, then the stages.
 *
 * @param metaArgs ARG instructions before the first FROM
 * @param stages the stages in file order
 */
public record DockerfileInstructions(
    List<ArgInstruction> metaArgs, List<StageInstructions> stages) {
  public DockerfileInstructions {
    metaArgs = List.copyOf(metaArgs);
    stages = List.copyOf(stages);
  }

  /**
   * Converts every node.
   *
   * @throws DockerfileException at the first instruction that is invalid
   */
  public static DockerfileInstructions from(ParsedDockerfile parsed) {
    List<ArgInstruction> metaArgs = new ArrayList<>();
    List<StageInstructions> stages = new ArrayList<>();
    FromInstruction from = null;
    List<Instruction> commands = new ArrayList<>();
    for (Node node : parsed.instructions()) {
      Instruction instruction = InstructionParser.parse(node, parsed.escapeToken());
      if (instruction instanceof FromInstruction) {
        if (from != null) {
          stages.add(new StageInstructions(from, commands));
        }
        from = (FromInstruction) instruction;
        commands = new ArrayList<>();
      } else if (from == null) {
        if (instruction instanceof ArgInstruction) {
          metaArgs.add((ArgInstruction) instruction);
        } else {
          throw new DockerfileException(
              "no build stage in current context",
              List.of(node.keywordRange()),
              "start the Dockerfile with FROM (only ARG may come before the first FROM)",
              null);
        }
      } else {
        commands.add(instruction);
      }
    }
    if (from != null) {
      stages.add(new StageInstructions(from, commands));
    }
    return new DockerfileInstructions(metaArgs, stages);
  }
}
