package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Node;
import java.util.ArrayList;
import java.util.List;

/** {@code ENV k=v ...} (or the legacy {@code ENV k v}). All pairs see the environment before it. */
public record EnvInstruction(Node node, List<KeyValue> pairs) implements Instruction {
  @Override
  public InstructionKind kind() {
    return InstructionKind.ENV;
  }

  public EnvInstruction {
    pairs = List.copyOf(pairs);
  }

  @Override
  public EnvInstruction expand(Expansion ex) {
    return new EnvInstruction(node, expandPairs(pairs, ex));
  }

  static List<KeyValue> expandPairs(List<KeyValue> pairs, Expansion ex) {
    List<KeyValue> out = new ArrayList<>(pairs.size());
    for (KeyValue kv : pairs) {
      out.add(new KeyValue(ex.word(kv.key()), ex.word(kv.value()), kv.noDelimiter()));
    }
    return out;
  }
}
