package dev.kiln.dockerfile.parser;

import java.util.List;
import java.util.Optional;

/**
 * The result of parsing a Dockerfile: one {@link Node} per instruction, in file order.
 *
 * @param instructions the instructions
 * @param escapeToken the active escape character ({@code \} or a backtick)
 * @param directives the parser directives read from the top of the file
 * @param warnings parse warnings, e.g. empty continuation lines
 * @param range first instruction's first line to last instruction's last line
 */
public record ParsedDockerfile(
    List<Node> instructions,
    char escapeToken,
    List<Directive> directives,
    List<ParseWarning> warnings,
    SourceRange range) {

  public ParsedDockerfile {
    instructions = List.copyOf(instructions);
    directives = List.copyOf(directives);
    warnings = List.copyOf(warnings);
  }

  public Optional<Directive> directive(String name) {
    return directives.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /**
   * The BuildKit dump of the whole tree: one {@code (...)} line per instruction, no final newline.
   */
  public String dump() {
    StringBuilder out = new StringBuilder();
    for (Node n : instructions) {
      out.append('(').append(n.dump()).append(")\n");
    }
    return GoText.trimSpace(out.toString());
  }
}
