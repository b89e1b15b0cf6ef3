package dev.kiln.maven;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.Failures;
import dev.kiln.api.request.RequestException;
import java.io.IOException;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;

/**
 * Turns kiln's failures (made by {@link Failures}, as for the CLI) into the exceptions Maven
 * reports. A wrong Dockerfile, parameter or step is the project's fault, so it becomes a {@link
 * MojoFailureException} ("BUILD FAILURE"); a registry, environment or internal problem becomes a
 * {@link MojoExecutionException}. The message is what kiln's CLI prints: what and where (it starts
 * with {@code Dockerfile:LINE:COL:} for a Dockerfile error), the detail (an excerpt with a caret, a
 * command's last output), and a hint.
 */
final class FailureReport {
  private FailureReport() {}

  static void rethrow(BuildFailure f) throws MojoExecutionException, MojoFailureException {
    String text = text(f);
    switch (f.kind()) {
      case USAGE, STEP -> throw new MojoFailureException(text, f);
      default -> throw new MojoExecutionException(text, f);
    }
  }

  static MojoFailureException of(RequestException e) {
    return new MojoFailureException(text(Failures.of(e)), e);
  }

  /** A mistake in the goal's parameters, said as the CLI would say it. */
  static MojoFailureException usage(String message, String hint) {
    return new MojoFailureException(text(message, null, hint));
  }

  static MojoExecutionException of(IOException e) {
    return new MojoExecutionException(text(Failures.of(e)), e);
  }

  /** What the CLI prints for {@code f}, as one message. */
  static String text(BuildFailure f) {
    return text(f.getMessage(), f.detail().orElse(null), f.hint().orElse(null));
  }

  static String text(String message, String detail, String hint) {
    StringBuilder text = new StringBuilder(message == null ? "kiln failed" : message);
    if (detail != null && !detail.isBlank()) {
      text.append('\n').append(detail.stripTrailing());
    }
    if (hint != null && !hint.isBlank()) {
      // The engine's hints speak the CLI's language; Maven's is -e and the plugin's parameters.
      text.append("\nhint: ")
          .append(
              hint.replace("rerun with --debug", "rerun Maven with -e")
                  .replaceAll("pass --allow (\\S+)", "add $1 to <allow> (-Dkiln.allow=$1)")
                  .replace(
                      "pass --insecure-registry HOST",
                      "add the registry to <insecureRegistries> (-Dkiln.insecureRegistries=HOST)")
                  .replaceAll(
                      "allow credentials over plain HTTP for (\\S+)",
                      "add $1 to <insecureRegistries> (for a token service:"
                          + " <plainHttpCredentialHosts>)"));
    }
    return text.toString();
  }
}
