package dev.kiln.core.sandbox;

/** Quotes a word for a POSIX shell: single quotes, with embedded quotes closed and escaped. */
final class ShellQuote {
  private ShellQuote() {}

  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
