package dev.kiln.core.sandbox;

import java.util.Locale;

/**
 * The network a step sees ({@code RUN --network=…}).
 *
 * <ul>
 *   <li>{@link #DEFAULT}: for now the host's network, as buildah's chroot isolation does; kiln sets
 *       up no per-build network (no bridge, no NAT), so this is {@link #HOST} under another name
 *       until it does.
 *   <li>{@link #HOST}: the host's network namespace.
 *   <li>{@link #NONE}: a fresh network namespace with only the loopback interface, up.
 * </ul>
 */
public enum NetworkMode {
  DEFAULT,
  HOST,
  NONE;

  /** Whether the step shares the host's network namespace. */
  public boolean sharesHostNetwork() {
    return this != NONE;
  }

  /** The option value as written in a Dockerfile or on the command line. */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code default}, {@code host} or {@code none} (case-insensitive). */
  public static NetworkMode parse(String value) {
    for (NetworkMode mode : values()) {
      if (mode.optionValue().equalsIgnoreCase(value.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown network mode '" + value + "': expected one of default, host, none");
  }
}
