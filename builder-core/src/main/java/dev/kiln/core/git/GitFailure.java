package dev.kiln.core.git;

/**
 * A git operation that did not succeed: the message names the repository (its password redacted)
 * and what git said on stderr; the hint says what to do.
 */
public final class GitFailure extends Exception {
  private final String hint;

  public GitFailure(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }
}
