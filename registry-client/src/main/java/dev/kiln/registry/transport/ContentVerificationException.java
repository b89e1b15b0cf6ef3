package dev.kiln.registry.transport;

/**
 * Content did not match its descriptor: wrong digest or wrong size. Never retried and never
 * accepted: the bytes read so far must be thrown away.
 */
public class ContentVerificationException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public ContentVerificationException(String action, String problem) {
    super(action, problem, null);
  }
}
