package dev.kiln.dockerfile.instructions;

import java.util.ArrayList;
import java.util.List;

/** How an instruction's words are expanded; the plan's dispatcher supplies the environment. */
public interface Expansion {
  /** One word, quotes and escapes processed. */
  String word(String word);

  /** A heredoc body: variables and escapes processed, quotes kept. */
  String raw(String text);

  /** One word expanded and then split into words (EXPOSE). */
  List<String> words(String word);

  default List<String> eachWord(List<String> words) {
    List<String> out = new ArrayList<>(words.size());
    for (String w : words) {
      out.add(word(w));
    }
    return List.copyOf(out);
  }
}
