package dev.kiln.core.fetch;

import java.time.Duration;

/**
 * How long a download (and git's transfer) may go without receiving a byte before it is abandoned:
 * a server that sent its headers and then stalls must not hold the build until its overall limit. A
 * minute by default; the system property {@value #PROPERTY} (seconds) shortens it for tests.
 */
public final class IdleLimit {
  /** The system property that overrides the limit, in seconds. */
  public static final String PROPERTY = "kiln.download.idleSeconds";

  private static final Duration DEFAULT = Duration.ofSeconds(60);

  private IdleLimit() {}

  /** The limit now in force. */
  public static Duration current() {
    String value = System.getProperty(PROPERTY);
    if (value == null || value.isBlank()) {
      return DEFAULT;
    }
    try {
      long seconds = Long.parseLong(value.strip());
      return seconds > 0 ? Duration.ofSeconds(seconds) : DEFAULT;
    } catch (NumberFormatException e) {
      return DEFAULT;
    }
  }
}
