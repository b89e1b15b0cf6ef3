package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code RUN [--mount=...]... [--network=...] [--security=...] <command>}.
 *
 * @param command the command, exec or shell form, with heredoc bodies
 * @param mountSpecs the {@code --mount} values as written
 * @param mounts the mounts; in a parsed instruction a spec that uses variables only has its {@code
 *     from} filled in, in an expanded one (see {@link #expand}) every field is final
 * @param network default, none or host
 * @param security sandbox or insecure
 * @param flagsUsed names of the flags that were given, sorted
 */
public record RunInstruction(
    Node node,
    CommandLine command,
    List<String> mountSpecs,
    List<Mount> mounts,
    Network network,
    Security security,
    List<String> flagsUsed)
    implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.RUN;
  }

  public RunInstruction {
    mountSpecs = List.copyOf(mountSpecs);
    mounts = List.copyOf(mounts);
    flagsUsed = List.copyOf(flagsUsed);
  }

  /** {@code --network} modes. */
  public enum Network {
    DEFAULT,
    NONE,
    HOST
  }

  /** {@code --security} modes. */
  public enum Security {
    SANDBOX,
    INSECURE
  }

  @Override
  public RunInstruction expand(Expansion expansion) {
    List<Mount> expanded = new ArrayList<>(mountSpecs.size());
    for (String spec : mountSpecs) {
      try {
        expanded.add(MountParser.parse(spec, expansion::word));
      } catch (DockerfileException e) {
        throw e.withRangeIfAbsent(node.find(spec).orElse(node.keywordRange()));
      }
    }
    return new RunInstruction(node, command, mountSpecs, expanded, network, security, flagsUsed);
  }
}
