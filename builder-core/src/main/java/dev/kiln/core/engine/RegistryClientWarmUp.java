package dev.kiln.core.engine;

import dev.kiln.api.place.RegistryAccess;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Builds the registry client on a thread of its own as the build starts, when the Dockerfile seems
 * to name an image, so that the client's set-up (TLS defaults, the HTTP stack, the machine's
 * registries.conf) overlaps reading the ignore file and compiling the Dockerfile instead of
 * delaying the first {@code FROM}. Whoever asks the {@link RegistryAccess} for its client later
 * gets this one, or waits for it. A failure is dropped: the first real use builds the client again
 * and reports it.
 */
final class RegistryClientWarmUp {
  /**
   * A {@code FROM} line whose image is not {@code scratch}: a rough look at the text before it is
   * parsed (continuation lines, variables and stage names are not told apart), so a miss costs only
   * the head start and a stage name only the client's set-up.
   */
  private static final Pattern FROM_AN_IMAGE =
      Pattern.compile(
          "^[ \\t]*FROM[ \\t]+(?:--\\S+[ \\t]+)*+(?!scratch(?:[ \\t]|$))\\S",
          Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);

  private RegistryClientWarmUp() {}

  /** Starts building {@code registry}'s client if {@code dockerfile} seems to name an image. */
  static void startIfImagesNamed(byte[] dockerfile, RegistryAccess registry) {
    if (!namesAnImage(new String(dockerfile, StandardCharsets.UTF_8))) {
      return;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                registry.client();
              } catch (RuntimeException e) {
                // The first real use builds it again and says what went wrong.
              }
            },
            "kiln-registry-client");
    t.setDaemon(true);
    t.start();
  }

  /** Whether {@code dockerfile} has a {@code FROM} line whose image is not {@code scratch}. */
  static boolean namesAnImage(String dockerfile) {
    return FROM_AN_IMAGE.matcher(dockerfile).find();
  }
}
