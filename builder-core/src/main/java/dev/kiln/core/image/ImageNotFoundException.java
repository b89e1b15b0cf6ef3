package dev.kiln.core.image;

import java.io.IOException;

/** A base image, tag, platform or blob that is not where the build was told to look. */
public final class ImageNotFoundException extends IOException {
  private final String hint;

  public ImageNotFoundException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }
}
