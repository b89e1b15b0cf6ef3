package dev.kiln.dockerfile.instructions;

import java.time.Duration;
import java.util.List;

/**
 * The image config's health check.
 *
 * @param test {@code ["NONE"]}, {@code ["CMD", args...]} or {@code ["CMD-SHELL", command]}
 * @param interval time between checks; zero means the runtime's default
 * @param timeout time a check may take; zero means the default
 * @param startPeriod grace period after start; zero means the default
 * @param startInterval time between checks during the start period; zero means the default
 * @param retries failures before unhealthy; zero means the default
 */
public record HealthConfig(
    List<String> test,
    Duration interval,
    Duration timeout,
    Duration startPeriod,
    Duration startInterval,
    int retries) {
  public HealthConfig {
    test = List.copyOf(test);
  }

  public boolean disabled() {
    return test.size() == 1 && test.get(0).equals("NONE");
  }

  /** The history line BuildKit writes for this health check. */
  public String historyText() {
    return "HEALTHCHECK {Test:["
        + String.join(" ", test)
        + "] Interval:"
        + GoDuration.format(interval)
        + " Timeout:"
        + GoDuration.format(timeout)
        + " StartPeriod:"
        + GoDuration.format(startPeriod)
        + " StartInterval:"
        + GoDuration.format(startInterval)
        + " Retries:"
        + retries
        + "}";
  }
}
