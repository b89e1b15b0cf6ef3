package dev.kiln.cli.progress;

import java.time.Duration;
import java.util.Locale;

/** How progress output writes times and sizes: short, fixed formats that grep and diff well. */
public final class DurationText {
  private DurationText() {}

  /** {@code 0.4s}, {@code 12.0s}, {@code 2m05s}. */
  public static String of(Duration d) {
    long millis = Math.max(0, d.toMillis());
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    return String.format(Locale.ROOT, "%dm%02ds", millis / 60_000, (millis / 1000) % 60);
  }

  /** {@code 512B}, {@code 1.5kB}, {@code 23.4MB} (decimal units, as Docker prints them). */
  public static String bytes(long n) {
    if (n < 1000) {
      return n + "B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = n;
    int unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f%s", value, units[unit]);
  }
}
