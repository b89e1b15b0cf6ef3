package dev.kiln.registry.transport;

/**
 * A proxy variable kiln cannot use ({@code HTTPS_PROXY=socks5://…}, a value that is not an
 * address). Unchecked because it surfaces while a route is chosen; the transport turns it into a
 * {@link RegistryException}, ADD into its step failure.
 */
public final class ProxyConfigurationException extends IllegalArgumentException {
  private final String hint;

  public ProxyConfigurationException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  /** What to do about it. */
  public String hint() {
    return hint;
  }
}
