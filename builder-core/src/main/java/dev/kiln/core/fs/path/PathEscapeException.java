package dev.kiln.core.fs.path;

import java.io.IOException;

/** A path that leads above its root through {@code ..}, refused under {@code Escape.REFUSE}. */
public final class PathEscapeException extends IOException {
  private final String path;
  private final String link;

  public PathEscapeException(String path, String link) {
    super(
        link == null
            ? "path " + path + " climbs above the root"
            : "path "
                + path
                + " goes through symlink '"
                + link
                + "', which points outside the root");
    this.path = path;
    this.link = link;
  }

  /** The path that was being resolved. */
  public String path() {
    return path;
  }

  /** The last symlink followed before leaving the root, or null when none was. */
  public String link() {
    return link;
  }
}
