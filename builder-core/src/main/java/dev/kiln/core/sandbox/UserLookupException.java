package dev.kiln.core.sandbox;

/**
 * A {@code USER} value names a user or group the image does not have (or an id out of range); the
 * message reads like BuildKit's. The caller adds the Dockerfile location.
 */
public class UserLookupException extends SandboxException {
  private static final long serialVersionUID = 1L;

  public UserLookupException(String message) {
    super(message);
  }
}
