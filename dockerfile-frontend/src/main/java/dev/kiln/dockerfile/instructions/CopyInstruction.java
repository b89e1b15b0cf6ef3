package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import java.util.List;

/**
 * {@code COPY [--from=...] [--chown=...] [--chmod=...] [--link] [--parents] [--exclude=...]...
 * src... dest}.
 *
 * @param files sources and destination
 * @param from stage name, stage index, image reference or named context; "" for the build context
 * @param chown {@code user[:group]} as written, "" when not given
 * @param chmod the {@code --chmod} value, null when not given
 * @param link {@code --link}
 * @param parents {@code --parents}
 * @param excludes {@code --exclude} patterns
 */
public record CopyInstruction(
    Node node,
    SourcesAndDest files,
    String from,
    String chown,
    FileModeSpec chmod,
    boolean link,
    boolean parents,
    List<String> excludes)
    implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.COPY;
  }

  public CopyInstruction {
    excludes = List.copyOf(excludes);
  }

  @Override
  public CopyInstruction expand(Expansion ex) {
    return new CopyInstruction(
        node,
        files.expand(ex),
        from,
        UserSpec.expandChown(node, chown, ex),
        FileModeSpec.expand(node, chmod, ex),
        link,
        parents,
        ex.eachWord(excludes));
  }
}
