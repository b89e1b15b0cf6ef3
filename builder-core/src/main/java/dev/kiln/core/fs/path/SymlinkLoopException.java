package dev.kiln.core.fs.path;

import java.io.IOException;

/** A path whose resolution passes more symlinks than the kernel would follow (ELOOP). */
public final class SymlinkLoopException extends IOException {
  private final String path;

  public SymlinkLoopException(String path, String at) {
    super(
        "too many levels of symbolic links resolving /"
            + strip(path)
            + " (at /"
            + at
            + ", more than "
            + PathResolver.MAX_LINK_HOPS
            + " links)");
    this.path = path;
  }

  /** The path that was being resolved. */
  public String path() {
    return path;
  }

  private static String strip(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }
}
