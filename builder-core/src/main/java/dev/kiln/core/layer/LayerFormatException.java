package dev.kiln.core.layer;

import java.io.IOException;

/** A layer that is not a tar kiln can read: corrupt, truncated, or using an unsupported feature. */
public class LayerFormatException extends IOException {
  public LayerFormatException(String message) {
    super(message);
  }

  public LayerFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
