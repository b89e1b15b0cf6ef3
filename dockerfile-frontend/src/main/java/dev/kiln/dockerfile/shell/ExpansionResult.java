package dev.kiln.dockerfile.shell;

import java.util.List;
import java.util.Set;

/**
 * The outcome of expanding one word.
 *
 * @param result the expanded word, without word splitting
 * @param words the expanded text split into words the way a shell would (quoted text keeps spaces)
 * @param matched variable names that were looked up and found
 * @param unmatched variable names that were looked up and not found
 */
public record ExpansionResult(
    String result, List<String> words, Set<String> matched, Set<String> unmatched) {
  public ExpansionResult {
    words = List.copyOf(words);
    matched = Set.copyOf(matched);
    unmatched = Set.copyOf(unmatched);
  }
}
