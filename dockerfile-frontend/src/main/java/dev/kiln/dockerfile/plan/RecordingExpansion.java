package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.Expansion;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.shell.ExpansionOptions;
import dev.kiln.dockerfile.shell.ExpansionResult;
import dev.kiln.dockerfile.shell.ShellExpansionException;
import dev.kiln.dockerfile.shell.ShellWordExpander;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Expands words in an environment and records every name it looked up, with the value it had then.
 * The environment is read, not copied: the caller must not change it while a word is expanded.
 */
final class RecordingExpansion implements Expansion {
  private final ShellWordExpander words;
  private final ShellWordExpander raw;
  private final Map<String, String> env;
  private final ExpansionBudget budget;
  final Map<String, String> used = new TreeMap<>();
  final Set<String> undefined = new TreeSet<>();

  RecordingExpansion(char escape, Map<String, String> env, ExpansionBudget budget) {
    this.words = expanderFor(escape);
    this.raw = RAW;
    this.env = env;
    this.budget = budget;
  }

  private static final ShellWordExpander BACKSLASH =
      new ShellWordExpander(ExpansionOptions.standard('\\'));
  private static final ShellWordExpander BACKTICK =
      new ShellWordExpander(ExpansionOptions.standard('`'));
  private static final ShellWordExpander RAW =
      new ShellWordExpander(ExpansionOptions.standard('\\').withSkipProcessQuotes(true));

  static ShellWordExpander expanderFor(char escape) {
    return escape == '`' ? BACKTICK : BACKSLASH;
  }

  private ExpansionResult run(ShellWordExpander expander, String word) {
    if (word.isEmpty()) {
      return new ExpansionResult("", List.of(), Set.of(), Set.of());
    }
    ExpansionResult r;
    try {
      r = expander.expand(word, env::get);
    } catch (ShellExpansionException e) {
      throw new DockerfileException(e.getMessage(), e.hint().orElse(null));
    }
    budget.charge(word, r.result());
    for (String name : r.matched()) {
      used.put(name, env.get(name));
    }
    undefined.addAll(r.unmatched());
    return r;
  }

  @Override
  public String word(String word) {
    return run(words, word).result();
  }

  @Override
  public String raw(String text) {
    return run(raw, text).result();
  }

  @Override
  public List<String> words(String word) {
    return run(words, word).words();
  }
}
