package dev.kiln.core.host;

/** A host command that did not finish within its time limit and was killed. */
public final class HostCommandTimeoutException extends HostCommandException {
  private static final long serialVersionUID = 1L;

  public HostCommandTimeoutException(String message) {
    super(message);
  }
}
