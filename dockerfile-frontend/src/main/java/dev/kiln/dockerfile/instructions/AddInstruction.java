package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import java.util.List;
import java.util.Optional;

/**
 * {@code ADD [--chown] [--chmod] [--link] [--keep-git-dir] [--checksum] [--parents] [--exclude]...
 * [--unpack] src... dest}.
 *
 * @param files sources (paths, URLs or git repositories) and destination
 * @param chown {@code user[:group]} as written, "" when not given
 * @param chmod the {@code --chmod} value, null when not given
 * @param checksum the expected digest of a remote source, "" when not given
 * @param unpack {@code --unpack} when given (null: unpack local archives only, the default)
 */
public record AddInstruction(
    Node node,
    SourcesAndDest files,
    String chown,
    FileModeSpec chmod,
    boolean link,
    boolean keepGitDir,
    String checksum,
    boolean parents,
    List<String> excludes,
    Boolean unpack)
    implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.ADD;
  }

  public AddInstruction {
    excludes = List.copyOf(excludes);
  }

  public Optional<Boolean> unpackOption() {
    return Optional.ofNullable(unpack);
  }

  @Override
  public AddInstruction expand(Expansion ex) {
    return new AddInstruction(
        node,
        files.expand(ex),
        UserSpec.expandChown(node, chown, ex),
        FileModeSpec.expand(node, chmod, ex),
        link,
        keepGitDir,
        ex.word(checksum),
        parents,
        ex.eachWord(excludes),
        unpack);
  }
}
