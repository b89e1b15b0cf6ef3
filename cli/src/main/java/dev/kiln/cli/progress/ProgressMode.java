package dev.kiln.cli.progress;

import dev.kiln.api.request.RequestException;
import java.util.Locale;
import java.util.Map;

/** {@code --progress} values, as buildx names them. */
public enum ProgressMode {
  AUTO,
  TTY,
  PLAIN,
  RAWJSON,
  QUIET;

  public static ProgressMode parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new RequestException(
          "invalid --progress value '" + value + "'", "use auto, tty, plain, rawjson or quiet");
    }
  }

  /**
   * Resolves {@link #AUTO}: the live view only on a real terminal outside CI, as buildx does;
   * everything else gets line-oriented output that logs well.
   */
  public ProgressMode resolve(boolean stderrIsTerminal, Map<String, String> env) {
    if (this != AUTO) {
      return this;
    }
    boolean ci = env.containsKey("CI") && !"false".equalsIgnoreCase(env.get("CI"));
    boolean dumb = "dumb".equals(env.get("TERM"));
    return stderrIsTerminal && !ci && !dumb ? TTY : PLAIN;
  }
}
