package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.ArgInstruction;
import java.util.Optional;

/**
 * A global ARG (declared before the first FROM) with the value it has for this build.
 *
 * @param name the name
 * @param value the resolved value (build arg, else expanded default); null when unset
 * @param docComment the declaration's doc comment
 * @param declaredBy the ARG instruction
 */
public record MetaArg(String name, String value, String docComment, ArgInstruction declaredBy) {
  public Optional<String> valueOptional() {
    return Optional.ofNullable(value);
  }
}
