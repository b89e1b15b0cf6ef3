package dev.kiln.dockerfile.shell;

/**
 * How a {@link ShellWordExpander} treats quotes, escapes and unset variables.
 *
 * @param escapeToken the escape character: {@code \} or, after {@code # escape=`}, a backtick
 * @param rawQuotes keep quote characters in the result instead of removing them
 * @param rawEscapes keep escape characters in the result instead of removing them
 * @param skipProcessQuotes treat quotes as ordinary characters (used for heredoc bodies)
 * @param skipUnsetEnv leave references to unset variables as they were written
 */
public record ExpansionOptions(
    char escapeToken,
    boolean rawQuotes,
    boolean rawEscapes,
    boolean skipProcessQuotes,
    boolean skipUnsetEnv) {

  /** Normal Dockerfile word expansion with {@code escapeToken}. */
  public static ExpansionOptions standard(char escapeToken) {
    return new ExpansionOptions(escapeToken, false, false, false, false);
  }

  public ExpansionOptions withRawQuotes(boolean value) {
    return new ExpansionOptions(escapeToken, value, rawEscapes, skipProcessQuotes, skipUnsetEnv);
  }

  public ExpansionOptions withRawEscapes(boolean value) {
    return new ExpansionOptions(escapeToken, rawQuotes, value, skipProcessQuotes, skipUnsetEnv);
  }

  public ExpansionOptions withSkipProcessQuotes(boolean value) {
    return new ExpansionOptions(escapeToken, rawQuotes, rawEscapes, value, skipUnsetEnv);
  }

  public ExpansionOptions withSkipUnsetEnv(boolean value) {
    return new ExpansionOptions(escapeToken, rawQuotes, rawEscapes, skipProcessQuotes, value);
  }
}
