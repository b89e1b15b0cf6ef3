package dev.kiln.core.sign;

/**
 * A key file kiln cannot use: not PEM, an unsupported key type or encryption, or a wrong password.
 * The message says which; the caller adds the file's name.
 */
public final class KeyFormatException extends Exception {
  public KeyFormatException(String message) {
    super(message);
  }

  public KeyFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
