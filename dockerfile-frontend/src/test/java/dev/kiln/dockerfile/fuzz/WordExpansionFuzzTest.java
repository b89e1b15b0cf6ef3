package dev.kiln.dockerfile.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.dockerfile.shell.ExpansionOptions;
import dev.kiln.dockerfile.shell.ExpansionResult;
import dev.kiln.dockerfile.shell.ShellExpansionException;
import dev.kiln.dockerfile.shell.ShellWordExpander;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Any word, options and environment through the word expander. The only failure allowed is a {@link
 * ShellExpansionException} with a message of bounded size; a result grows by at most {@link
 * ShellWordExpander#MAX_GROWTH}, its split words are no longer than the result, and it reports only
 * names that occur in the word, each either matched (set) or unmatched (unset).
 *
 * <p>An input is text, so that seeds can be written by hand: the first line holds option letters
 * ({@code b} backtick escape, {@code q} raw quotes, {@code e} raw escapes, {@code s} quotes not
 * processed, {@code u} unset variables kept), then {@code NAME=VALUE} lines (a tab and a count
 * repeats the value, up to 4096 times, to reach the limits), an empty line, and the word.
 */
class WordExpansionFuzzTest {
  @FuzzTest(maxDuration = "20s", maxExecutions = 8_000)
  // Dictionary entries are written into libFuzzer's dictionary as they are: \x0a is a newline.
  @DictionaryEntries({"$", "${", "}", ":-", ":+", ":?", "-", "+", "?", "#", "##", "%", "%%", "/"})
  @DictionaryEntries({"//", "*", "\\\\", "`", "'", "\\\"", "\\x0a", "\\x09", "A=", "V=", "$A"})
  void expand(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    int eol = text.indexOf('\n');
    String flags = eol < 0 ? text : text.substring(0, eol);
    String rest = eol < 0 ? "" : text.substring(eol + 1);
    Map<String, String> env = new HashMap<>();
    while (!rest.isEmpty() && rest.charAt(0) != '\n') {
      int end = rest.indexOf('\n');
      String line = end < 0 ? rest : rest.substring(0, end);
      rest = end < 0 ? "" : rest.substring(end + 1);
      int eq = line.indexOf('=');
      if (eq > 0) {
        String value = line.substring(eq + 1);
        int tab = value.lastIndexOf('\t');
        int times = 1;
        if (tab >= 0 && value.substring(tab + 1).matches("[0-9]{1,4}")) {
          times = Math.min(4096, Math.max(1, Integer.parseInt(value.substring(tab + 1))));
          value = value.substring(0, tab);
        }
        env.put(line.substring(0, eq), value.repeat(times));
      }
    }
    String word = rest.isEmpty() ? "" : rest.substring(1);
    ExpansionOptions options =
        ExpansionOptions.standard(flags.contains("b") ? '`' : '\\')
            .withRawQuotes(flags.contains("q"))
            .withRawEscapes(flags.contains("e"))
            .withSkipProcessQuotes(flags.contains("s"))
            .withSkipUnsetEnv(flags.contains("u"));
    check(new ShellWordExpander(options), word, env);
  }

  private static void check(ShellWordExpander expander, String word, Map<String, String> env) {
    try {
      ExpansionResult r = expander.expand(word, env::get);
      assertTrue(
          r.result().length() <= (long) word.length() + ShellWordExpander.MAX_GROWTH,
          "grew by " + (r.result().length() - word.length()));
      long inWords = r.words().stream().mapToLong(String::length).sum();
      assertTrue(inWords <= r.result().length(), "words longer than the result");
      for (String name : r.matched()) {
        assertTrue(word.contains(name) && env.get(name) != null, "matched " + name);
      }
      for (String name : r.unmatched()) {
        assertTrue(word.contains(name) && env.get(name) == null, "unmatched " + name);
      }
      if (word.indexOf('$') < 0) {
        assertEquals(Set.of(), r.matched(), "no reference, nothing read");
        assertEquals(Set.of(), r.unmatched(), "no reference, nothing looked up");
      }
    } catch (ShellExpansionException e) {
      String message = String.valueOf(e.getMessage());
      assertTrue(
          message.length() <= 2000 + (long) word.length() + ShellWordExpander.MAX_GROWTH,
          message.length() + " characters of message");
    }
  }
}
