package dev.kiln.registry.config;

/**
 * A configuration file kiln reads (registries.conf, daemon.json) that it cannot use: says which
 * file, which line when there is one, what is wrong and what to do. Unchecked: it surfaces when the
 * settings are first needed, and each front end reports it as a usage error.
 */
public final class ConfigFileException extends RuntimeException {
  private final String file;
  private final int line;
  private final String hint;

  /**
   * @param line 1-based, or 0 when the problem is not on one line
   */
  public ConfigFileException(String file, int line, String problem, String hint) {
    super(file + (line > 0 ? ":" + line : "") + ": " + problem);
    this.file = file;
    this.line = line;
    this.hint = hint;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  /** What the user can do about it. */
  public String hint() {
    return hint;
  }
}
