package dev.kiln.core.host;

import java.io.IOException;

/**
 * A host command could not be started, did not finish in time, printed more than kiln keeps, or
 * exited with a status its caller does not accept. The message names the command line and what it
 * printed on standard error.
 */
public class HostCommandException extends IOException {
  private static final long serialVersionUID = 1L;

  public HostCommandException(String message) {
    super(message);
  }

  public HostCommandException(String message, Throwable cause) {
    super(message, cause);
  }
}
