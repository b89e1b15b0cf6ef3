package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.FromInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.InstructionParser;
import dev.kiln.dockerfile.instructions.MaintainerInstruction;
import dev.kiln.dockerfile.instructions.OnbuildInstruction;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.DockerfileParser;
import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.ParsedDockerfile;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Parses a base image's ONBUILD triggers and puts them at the start of the stage that uses it. */
final class OnbuildTriggers {
  private OnbuildTriggers() {}

  static List<Instruction> splice(Stage stage, List<String> triggers) {
    List<Instruction> out = new ArrayList<>();
    ParsedDockerfile parsed;
    String text = String.join("\n", triggers);
    try {
      parsed = DockerfileParser.parse(text.getBytes(StandardCharsets.UTF_8));
      for (Node n : parsed.instructions()) {
        Instruction i = InstructionParser.parse(n);
        if (i instanceof FromInstruction
            || i instanceof MaintainerInstruction
            || i instanceof OnbuildInstruction) {
          throw new DockerfileException(
              i.name() + " isn't allowed as an ONBUILD trigger", "rebuild the base image");
        }
        out.add(i);
      }
    } catch (DockerfileException e) {
      throw new DockerfileException(
          "invalid ONBUILD trigger in base image of stage "
              + stage.displayName()
              + ": "
              + e.getMessage(),
          List.of(stage.from().range()),
          "the base image " + stage.from().image() + " carries this trigger; fix or rebuild it",
          e);
    }
    out.addAll(stage.instructions());
    return out;
  }
}
