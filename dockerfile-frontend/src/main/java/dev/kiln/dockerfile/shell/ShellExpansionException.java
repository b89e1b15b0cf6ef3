package dev.kiln.dockerfile.shell;

/** A word that cannot be expanded: bad syntax, or a {@code ${V?message}} on an unset variable. */
public final class ShellExpansionException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ShellExpansionException(String message) {
    super(message);
  }
}
