package dev.kiln.core.step;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that a COPY, ADD or cache key must read from a tree on disk (the build context, an
 * extracted stage) but cannot: permission is denied, or its name is not UTF-8 and so cannot be
 * named in a layer. A mistake in the user's files, not in kiln: the build fails as a step failure
 * that names the file and says what to do ({@link #hint()}).
 */
public final class SourceFileException extends IOException {
  private final String hint;

  private SourceFileException(String message, String hint, Throwable cause) {
    super(message, cause);
    this.hint = hint;
  }

  /**
   * {@code path} of {@code tree} ("the build context") could not be read or listed: {@code file} is
   * where it is on disk; {@code ignorable} when a {@code .dockerignore} entry could leave it out.
   */
  public static SourceFileException permissionDenied(
      String path, String tree, Path file, boolean ignorable, Throwable cause) {
    String user = System.getProperty("user.name");
    return new SourceFileException(
        "cannot read " + quoted(path) + " in " + tree + ": permission denied",
        "make "
            + file
            + " readable by "
            + user
            + " (the user kiln runs as)"
            + (ignorable ? ", or add it to .dockerignore if the image does not need it" : ""),
        cause);
  }

  /**
   * A file in {@code tree} whose name is not valid UTF-8 ({@code shown}: its path with each byte
   * that is not UTF-8 written {@code \xNN}). Image layers name files in UTF-8, and kiln refuses a
   * name it would have to change rather than copy it under another one.
   */
  public static SourceFileException nameNotUtf8(String shown, String tree, boolean ignorable) {
    return new SourceFileException(
        "cannot copy \"" + shown + "\" in " + tree + ": its name is not valid UTF-8",
        "rename it to a UTF-8 name"
            + (ignorable ? ", or add it to .dockerignore if the image does not need it" : ""),
        null);
  }

  /**
   * A file in {@code tree} whose UTF-8 name this JVM cannot use because its locale is not UTF-8
   * (Java names files in the locale's character set).
   */
  public static SourceFileException localeNotUtf8(String shown, String tree, String charset) {
    return new SourceFileException(
        "cannot read \"" + shown + "\" in " + tree + ": kiln runs with file names in " + charset,
        "run kiln with a UTF-8 locale, e.g. LC_ALL=C.UTF-8 (the ./kiln launcher sets one)",
        null);
  }

  /** What the user can do about it. */
  public String hint() {
    return hint;
  }

  private static String quoted(String path) {
    return "\"" + (path.isEmpty() ? "." : path) + "\"";
  }
}
