package dev.kiln.dockerfile.parser;

import dev.kiln.dockerfile.shell.Environment;
import dev.kiln.dockerfile.shell.ExpansionOptions;
import dev.kiln.dockerfile.shell.ShellExpansionException;
import dev.kiln.dockerfile.shell.ShellWordExpander;
import java.util.List;
import java.util.Optional;

/**
 * A here-document attached to a RUN, COPY or ADD instruction.
 *
 * @param name the terminator word with quotes removed
 * @param fileDescriptor the number written before {@code <<}, 0 when there is none
 * @param expand false when any part of the terminator word was quoted (no variable expansion)
 * @param chomp true for {@code <<-}: leading tabs are removed from the body when it is used
 * @param content the raw body lines, each with its line ending; tabs are not removed here
 */
public record Heredoc(
    String name, int fileDescriptor, boolean expand, boolean chomp, String content) {

  private static final ShellWordExpander WORDS =
      new ShellWordExpander(ExpansionOptions.standard('\\').withSkipUnsetEnv(true));
  private static final ShellWordExpander RAW_WORDS =
      new ShellWordExpander(
          ExpansionOptions.standard('\\').withSkipUnsetEnv(true).withRawQuotes(true));

  /** The body with leading tabs removed from every line when {@link #chomp} is set. */
  public String chompedContent() {
    return chomp ? chompTabs(content) : content;
  }

  public Heredoc withContent(String newContent) {
    return new Heredoc(name, fileDescriptor, expand, chomp, newContent);
  }

  /** Removes the leading tabs of every line ({@code <<-} semantics). */
  public static String chompTabs(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean lineStart = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (lineStart && c == '\t') {
        continue;
      }
      lineStart = c == '\n';
      out.append(c);
    }
    return out.toString();
  }

  /**
   * Reads a single word such as {@code <<EOF}, {@code 3<<-'EOF'} or {@code << EOF} as a heredoc
   * opener. Returns empty when the word is not one.
   *
   * @throws DockerfileException when the terminator has unbalanced quotes
   */
  public static Optional<Heredoc> parseWord(String word) {
    int i = 0;
    while (i < word.length() && word.charAt(i) >= '0' && word.charAt(i) <= '9') {
      i++;
    }
    if (!word.startsWith("<<", i)) {
      return Optional.empty();
    }
    int fd = 0;
    if (i > 0) {
      try {
        fd = Integer.parseInt(word.substring(0, i));
      } catch (NumberFormatException e) {
        fd = 0;
      }
    }
    int j = i + 2;
    boolean chomp = j < word.length() && word.charAt(j) == '-';
    if (chomp) {
      j++;
    }
    String rest = word.substring(j);
    if (rest.indexOf('<') >= 0 || rest.isEmpty()) {
      return Optional.empty();
    }
    List<String> words;
    List<String> rawWords;
    try {
      words = WORDS.expandWords(rest, Environment.EMPTY);
      if (words.size() != 1) {
        return Optional.empty();
      }
      rawWords = RAW_WORDS.expandWords(rest, Environment.EMPTY);
    } catch (ShellExpansionException e) {
      throw new DockerfileException(e.getMessage());
    }
    if (rawWords.size() != words.size()) {
      throw new DockerfileException(
          "internal lexing of heredoc produced inconsistent results: " + rest);
    }
    String name = words.get(0);
    boolean expand = quoteCount(name) == quoteCount(rawWords.get(0));
    return Optional.of(new Heredoc(name, fd, expand, chomp, ""));
  }

  private static int quoteCount(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        n++;
      }
    }
    return n;
  }
}
