package dev.kiln.core.layer;

import java.io.IOException;

/**
 * A layer that is not a tar kiln can read: corrupt, truncated, or using an unsupported feature.
 *
 * <p>Messages quote names and values from the layer through {@link #excerpt}, so that a hostile
 * layer (a name of megabytes) still gets an error of a few lines.
 */
public class LayerFormatException extends IOException {
  /** The most characters of a name or value a message quotes. */
  static final int MAX_QUOTED = 200;

  public LayerFormatException(String message) {
    super(message);
  }

  public LayerFormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code text} as a message quotes it: whole, or its start and how long it is. */
  public static String excerpt(String text) {
    if (text.length() <= MAX_QUOTED) {
      return text;
    }
    return text.substring(0, MAX_QUOTED) + "…(" + text.length() + " characters)";
  }
}
