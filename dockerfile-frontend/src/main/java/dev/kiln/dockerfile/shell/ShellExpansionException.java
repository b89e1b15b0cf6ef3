package dev.kiln.dockerfile.shell;

import java.util.Optional;

/**
 * A word that cannot be expanded: bad syntax, a {@code ${V?message}} on an unset variable, or a
 * word that would outgrow the expander's limits.
 */
public final class ShellExpansionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String hint;

  public ShellExpansionException(String message) {
    this(message, null);
  }

  public ShellExpansionException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  /** What the user can do about it, when the expander knows. */
  public Optional<String> hint() {
    return Optional.ofNullable(hint);
  }
}
