package dev.kiln.registry.config;

/**
 * A short name ({@code busybox}) that registries.conf does not let kiln resolve: no
 * unqualified-search registry is configured, or several are and {@code short-name-mode} is {@code
 * enforcing}. Says which file decided it and how to name the image instead.
 */
public final class ShortNameException extends IllegalArgumentException {
  private final String hint;

  public ShortNameException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }
}
