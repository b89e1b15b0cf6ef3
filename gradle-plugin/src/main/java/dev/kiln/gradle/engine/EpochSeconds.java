package dev.kiln.gradle.engine;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A {@code SOURCE_DATE_EPOCH} as a build script may give it: seconds since 1970, or an ISO-8601
 * date-time with an offset ({@code 2024-01-01T00:00:00Z}, the form of Maven's {@code
 * project.build.outputTimestamp}), truncated to whole seconds.
 */
final class EpochSeconds {
  private EpochSeconds() {}

  /**
   * @throws IllegalArgumentException if the value is neither
   */
  static long parse(String value) {
    String trimmed = value.trim();
    try {
      if (trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return Long.parseLong(trimmed);
      }
      return OffsetDateTime.parse(trimmed).toEpochSecond();
    } catch (NumberFormatException | DateTimeParseException e) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "' is neither seconds since 1970 nor an ISO-8601 date-time with an offset:"
              + " use e.g. 2024-01-01T00:00:00Z or 1704067200",
          e);
    }
  }
}
