package dev.kiln.gradle.engine;

import dev.kiln.api.build.BuildFailure;

/**
 * The text a failed kiln task reports, as kiln's CLI prints it: what and where (starting with
 * {@code Dockerfile:LINE:COL:} for a Dockerfile error), the detail (an excerpt with a caret, a
 * command's last output) and a hint, whose CLI flags are turned into the plugin's settings.
 */
final class FailureText {
  private FailureText() {}

  static String of(BuildFailure f) {
    return of(f.getMessage(), f.detail().orElse(null), f.hint().orElse(null));
  }

  static String of(String message, String detail, String hint) {
    StringBuilder text = new StringBuilder(message == null ? "kiln failed" : message);
    if (detail != null && !detail.isBlank()) {
      text.append('\n').append(detail.stripTrailing());
    }
    if (hint != null && !hint.isBlank()) {
      text.append("\nhint: ")
          .append(
              hint.replace("rerun with --debug", "rerun Gradle with --stacktrace")
                  .replaceAll(
                      "pass --allow (\\S+)", "add '$1' to kiln { allow } (or pass -Pkiln.allow=$1)")
                  .replace(
                      "pass --insecure-registry HOST",
                      "add the registry to kiln { insecureRegistries }")
                  .replaceAll(
                      "allow credentials over plain HTTP for (\\S+)",
                      "add '$1' to kiln { insecureRegistries } (for a token service:"
                          + " plainHttpCredentialHosts)"));
    }
    return text.toString();
  }
}
