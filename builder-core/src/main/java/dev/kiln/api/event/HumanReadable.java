package dev.kiln.api.event;

import java.time.Duration;
import java.util.Locale;

/**
 * How kiln writes sizes and times for people, in every front end (progress lines, summaries, {@code
 * kiln cache du}, the Maven log): short, fixed formats that grep and diff well.
 */
public final class HumanReadable {
  private static final String[] UNITS = {"kB", "MB", "GB", "TB", "PB"};

  private HumanReadable() {}

  /** {@code 512B}, {@code 1.5kB}, {@code 23.4MB}: decimal units, as Docker prints them. */
  public static String bytes(long n) {
    if (n < 1000) {
      return n + "B";
    }
    double value = n;
    int unit = -1;
    while (value >= 1000 && unit < UNITS.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f%s", value, UNITS[unit]);
  }

  /** {@code 0.4s}, {@code 12.0s}, {@code 2m05s}; a negative duration is {@code 0.0s}. */
  public static String duration(Duration d) {
    long millis = Math.max(0, d.toMillis());
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    return String.format(Locale.ROOT, "%dm%02ds", millis / 60_000, (millis / 1000) % 60);
  }
}
