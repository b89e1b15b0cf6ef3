package dev.kiln.dockerfile.instructions;

import java.util.Optional;

/**
 * One name declared by an ARG instruction.
 *
 * @param key the name
 * @param defaultValue the default as written (still to be expanded), or null when there is none
 * @param docComment the text of a preceding {@code # <name> <text>} comment, or ""
 */
public record ArgDeclaration(String key, String defaultValue, String docComment) {
  public Optional<String> defaultOptional() {
    return Optional.ofNullable(defaultValue);
  }

  public ArgDeclaration withDefault(String value) {
    return new ArgDeclaration(key, value, docComment);
  }
}
