package dev.kiln.core.checksum;

import java.io.IOException;

/**
 * A COPY/ADD source that selects nothing: the path does not exist in the tree (or is excluded by
 * {@code .dockerignore}), or a wildcard matches no file. A user error; the message says which
 * source and where it was looked for.
 */
public final class SourceNotFoundException extends IOException {
  private final String source;

  public SourceNotFoundException(String source, String message) {
    super(message);
    this.source = source;
  }

  /** The source as written. */
  public String source() {
    return source;
  }
}
