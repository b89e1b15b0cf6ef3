package dev.kiln.maven;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads {@code project.build.outputTimestamp}, Maven's reproducible-builds property, the way
 * maven-archiver (and so maven-jar-plugin) does: seconds since 1970, or an ISO-8601 date-time with
 * an offset ({@code 2024-01-01T00:00:00Z}), truncated to whole seconds; a value of one character
 * (often used to switch an inherited value off) means "not set". Unlike maven-archiver it does not
 * reject dates outside what a zip file can store: an image has no such limit.
 */
final class OutputTimestamp {
  private OutputTimestamp() {}

  /**
   * Seconds since 1970 for {@code value}, or empty when it is unset.
   *
   * @throws IllegalArgumentException if the value is neither a number nor an ISO-8601 date-time
   */
  static Optional<Long> epochSeconds(String value) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String trimmed = value.trim();
    if (trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return Optional.of(Long.parseLong(trimmed));
      } catch (NumberFormatException e) {
        throw invalid(value);
      }
    }
    if (trimmed.length() < 2) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(trimmed).toEpochSecond());
    } catch (DateTimeParseException e) {
      throw invalid(value);
    }
  }

  private static IllegalArgumentException invalid(String value) {
    return new IllegalArgumentException(
        "'"
            + value
            + "' is neither seconds since 1970 nor an ISO-8601 date-time with an offset:"
            + " use e.g. 2024-01-01T00:00:00Z or 1704067200");
  }
}
