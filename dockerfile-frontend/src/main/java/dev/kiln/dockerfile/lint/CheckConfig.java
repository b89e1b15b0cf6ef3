package dev.kiln.dockerfile.lint;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.ParseWarning;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which build checks run and whether a violation fails the build: the {@code # check=} directive,
 * or the {@code BUILDKIT_DOCKERFILE_CHECK} build argument, which replaces it. The text is {@code
 * skip=<rule>,<rule>|all} and {@code error=<bool>}, separated by {@code ;}.
 *
 * @param skipAll {@code skip=all}
 * @param skip the rule names to skip
 * @param error whether a violation fails the build
 */
public record CheckConfig(boolean skipAll, Set<String> skip, boolean error) {
  public CheckConfig {
    skip = Set.copyOf(skip);
  }

  /** Every check runs, and none fails the build. */
  public static CheckConfig defaults() {
    return new CheckConfig(false, Set.of(), false);
  }

  /**
   * Parses a directive or build argument value.
   *
   * @param where what the text came from, for the message ({@code # check=} or the build argument)
   * @throws DockerfileException when an option is unknown or a value malformed
   */
  public static CheckConfig parse(String text, String where) {
    String t = text.trim();
    if (t.isEmpty()) {
      return defaults();
    }
    boolean skipAll = false;
    boolean error = false;
    Set<String> skip = new LinkedHashSet<>();
    for (String part : t.split(";")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw invalid(where, "invalid check option \"" + part + "\"");
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      switch (key) {
        case "skip" -> {
          if (value.equals("all")) {
            skipAll = true;
          } else {
            for (String rule : value.split(",")) {
              skip.add(rule.trim());
            }
          }
        }
        case "error" -> error = parseBool(value, where, part);
          // None of kiln's rules is experimental: CopyIgnoredFile, the last one, runs by default
          // since BuildKit's Dockerfile frontend 1.21. The option is still valid, and adds nothing.
          // (InvalidDefinitionDescription, still experimental in BuildKit, is not among kiln's.)
        case "experimental" -> {}
        default -> throw invalid(where, "invalid check option \"" + key + "\"");
      }
    }
    return new CheckConfig(skipAll, skip, error);
  }

  private static boolean parseBool(String value, String where, String part) {
    // Go's strconv.ParseBool, which BuildKit uses.
    switch (value) {
      case "1", "t", "T", "TRUE", "true", "True":
        return true;
      case "0", "f", "F", "FALSE", "false", "False":
        return false;
      default:
        throw invalid(where, "failed to parse check option \"" + part + "\": not a boolean");
    }
  }

  private static DockerfileException invalid(String where, String message) {
    return new DockerfileException(
        message + " in " + where,
        "write skip=<rule>,<rule> or skip=all, and error=true|false, separated by ';'");
  }

  /**
   * Whether a warning of {@code rule} is reported. Warnings that are not build checks always are.
   */
  public boolean reports(String rule) {
    if (!LintRule.isRule(rule)) {
      return true;
    }
    return !skipAll && !skip.contains(rule);
  }

  /** The warnings that are reported. */
  public List<ParseWarning> filter(List<ParseWarning> warnings) {
    return warnings.stream().filter(w -> reports(w.rule())).toList();
  }

  /**
   * With {@code error=true}, the failure for the check violations among {@code warnings}, as
   * BuildKit words it; else null.
   */
  public DockerfileException violation(List<ParseWarning> warnings) {
    if (!error) {
      return null;
    }
    Set<String> rules = new java.util.TreeSet<>();
    for (ParseWarning w : warnings) {
      if (LintRule.isRule(w.rule()) && reports(w.rule())) {
        rules.add(w.rule());
      }
    }
    if (rules.isEmpty()) {
      return null;
    }
    return new DockerfileException(
        "lint violation found for rules: " + String.join(", ", rules),
        "fix the warnings above, or skip a rule with # check=skip=<rule>"
            + " (error=true in the check directive makes them fail the build)");
  }

  @Override
  public String toString() {
    return (skipAll ? "skip=all" : "skip=" + String.join(",", skip)) + ";error=" + error;
  }
}
