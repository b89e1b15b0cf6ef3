package dev.kiln.cache.store;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Decides where the content store lives: {@code --cache-dir}, else {@code KILN_CACHE_DIR}, else
 * {@code $XDG_CACHE_HOME/kiln}, else {@code ~/.cache/kiln}.
 *
 * <p>A pure function of its inputs (the environment and home directory are parameters), so the
 * precedence is testable without touching the real environment.
 */
public final class CacheDirectory {
  /** The environment variable that overrides the default location. */
  public static final String ENV_VARIABLE = "KILN_CACHE_DIR";

  private CacheDirectory() {}

  /**
   * The store root for this process: {@code cliValue} if given, else from {@link System#getenv()}
   * and the {@code user.home} property.
   */
  public static Path resolve(Optional<String> cliValue) {
    return resolve(cliValue, System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** The store root, from an explicit option, an environment and a home directory. */
  public static Path resolve(Optional<String> cliValue, Map<String, String> env, Path home) {
    Optional<String> explicit =
        cliValue.filter(v -> !v.isBlank()).or(() -> nonBlank(env.get(ENV_VARIABLE)));
    if (explicit.isPresent()) {
      return Path.of(expandHome(explicit.get(), home)).toAbsolutePath().normalize();
    }
    Optional<String> xdg = nonBlank(env.get("XDG_CACHE_HOME"));
    // The XDG spec says a relative XDG_CACHE_HOME is invalid and must be ignored.
    Path base = xdg.map(Path::of).filter(Path::isAbsolute).orElse(home.resolve(".cache"));
    return base.resolve("kiln").toAbsolutePath().normalize();
  }

  private static Optional<String> nonBlank(String value) {
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }

  // Shells expand a leading ~ but config files and quoted values do not; accept it either way.
  private static String expandHome(String value, Path home) {
    if (value.equals("~")) {
      return home.toString();
    }
    if (value.startsWith("~/")) {
      return home.resolve(value.substring(2)).toString();
    }
    return value;
  }
}
