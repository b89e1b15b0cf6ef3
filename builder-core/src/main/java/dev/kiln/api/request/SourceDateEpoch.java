package dev.kiln.api.request;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A {@code SOURCE_DATE_EPOCH} as build tools give it: seconds since 1970 ({@code 1704067200}, the
 * variable's own form), or an ISO-8601 date-time with an offset ({@code 2024-01-01T00:00:00Z}, the
 * form of Maven's {@code project.build.outputTimestamp}), truncated to whole seconds. Unlike
 * maven-archiver it does not reject dates a zip file cannot store: an image has no such limit.
 */
public final class SourceDateEpoch {
  private SourceDateEpoch() {}

  /**
   * Seconds since 1970 for {@code value}.
   *
   * @throws IllegalArgumentException if the value is neither a number of seconds nor an ISO-8601
   *     date-time with an offset, saying both forms
   */
  public static long parse(String value) {
    String trimmed = value.trim();
    try {
      if (!trimmed.isEmpty() && trimmed.chars().allMatch(c -> c >= '0' && c <= '9')) {
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
