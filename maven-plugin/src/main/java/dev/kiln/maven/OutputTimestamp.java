package dev.kiln.maven;

import dev.kiln.api.request.SourceDateEpoch;
import java.util.Optional;

/**
 * Reads {@code project.build.outputTimestamp}, Maven's reproducible-builds property, the way
 * maven-archiver (and so maven-jar-plugin) does: what {@link SourceDateEpoch} reads, except that a
 * blank value or one of one character (often used to switch an inherited value off) means "not
 * set".
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
    if (trimmed.length() < 2 && !Character.isDigit(trimmed.charAt(0))) {
      return Optional.empty();
    }
    return Optional.of(SourceDateEpoch.parse(trimmed));
  }
}
