package dev.kiln.registry.config;

/**
 * {@code short-name-mode} of registries.conf: what to do when a short name ({@code busybox}) could
 * come from several unqualified-search registries. kiln never prompts, so it behaves as podman does
 * without a terminal.
 */
public enum ShortNameMode {
  /** Several candidates are an error: the name must be qualified or have an alias. */
  ENFORCING,
  /** Several candidates are tried in order (podman's default). */
  PERMISSIVE,
  /** Every candidate is tried in order. */
  DISABLED;

  static ShortNameMode parse(String value, String file, int line) {
    return switch (value) {
      case "enforcing" -> ENFORCING;
      case "permissive" -> PERMISSIVE;
      case "disabled" -> DISABLED;
      default ->
          throw new ConfigFileException(
              file,
              line,
              "short-name-mode \"" + value + "\" is not one of enforcing, permissive, disabled",
              "set short-name-mode to \"enforcing\", \"permissive\" or \"disabled\"");
    };
  }
}
