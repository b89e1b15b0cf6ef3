package dev.kiln.core.sandbox;

/**
 * The sandbox itself failed (a runtime missing or broken, a mount refused, a user that cannot be
 * resolved): not the step's command, whose failure is a {@link RunResult}.
 */
public class SandboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SandboxException(String message) {
    super(message);
  }

  public SandboxException(String message, Throwable cause) {
    super(message, cause);
  }
}
