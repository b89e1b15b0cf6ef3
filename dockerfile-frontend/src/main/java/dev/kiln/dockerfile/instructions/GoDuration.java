package dev.kiln.dockerfile.instructions;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Go's duration syntax ({@code 1h30m}, {@code 1.5s}, {@code 100ms}, {@code 0}), which HEALTHCHECK
 * flags use, and Go's way of printing a duration (for image history). Written by hand because
 * {@link Duration#parse} reads ISO-8601, a different syntax.
 */
public final class GoDuration {
  private GoDuration() {}

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with Go's message, e.g. {@code time: invalid duration "x"}
   */
  public static Duration parse(String text) {
    String s = text;
    boolean neg = false;
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
      neg = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw invalid(text);
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
      }
      boolean pre = i > start;
      int fracStart = i;
      boolean post = false;
      if (i < s.length() && s.charAt(i) == '.') {
        i++;
        int f = i;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
          i++;
        }
        post = i > f;
      }
      if (!pre && !post) {
        throw invalid(text);
      }
      String number = s.substring(start, i);
      if (fracStart == start && number.startsWith(".")) {
        number = "0" + number;
      }
      if (number.endsWith(".")) {
        number = number + "0";
      }
      int unitStart = i;
      while (i < s.length() && s.charAt(i) != '.' && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
        i++;
      }
      if (unitStart == i) {
        throw new IllegalArgumentException("time: missing unit in duration " + quote(text));
      }
      String unit = s.substring(unitStart, i);
      long nanos;
      switch (unit) {
        case "ns":
          nanos = 1L;
          break;
        case "us":
        case "\u00b5s":
        case "\u03bcs":
          nanos = 1_000L;
          break;
        case "ms":
          nanos = 1_000_000L;
          break;
        case "s":
          nanos = 1_000_000_000L;
          break;
        case "m":
          nanos = 60_000_000_000L;
          break;
        case "h":
          nanos = 3_600_000_000_000L;
          break;
        default:
          throw new IllegalArgumentException(
              "time: unknown unit " + quote(unit) + " in duration " + quote(text));
      }
      total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(nanos)));
      if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw invalid(text);
      }
    }
    long n = total.longValue();
    return Duration.ofNanos(neg ? -n : n);
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException("time: invalid duration " + quote(text));
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Go's {@code time.Duration.String()}: {@code 1h2m3.5s}, {@code 100ms}, {@code 0s}. */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    boolean neg = n < 0;
    long u = Math.abs(n);
    StringBuilder out = new StringBuilder();
    if (u < 1_000_000_000L) {
      String unit;
      long scale;
      if (u < 1_000L) {
        return (neg ? "-" : "") + u + "ns";
      } else if (u < 1_000_000L) {
        unit = "\u00b5s";
        scale = 1_000L;
      } else {
        unit = "ms";
        scale = 1_000_000L;
      }
      out.append(fraction(u, scale)).append(unit);
    } else {
      long secsNanos = u % 60_000_000_000L;
      long minutes = u / 60_000_000_000L;
      long hours = minutes / 60;
      minutes %= 60;
      if (hours > 0) {
        out.append(hours).append('h');
      }
      if (hours > 0 || minutes > 0) {
        out.append(minutes).append('m');
      }
      out.append(fraction(secsNanos, 1_000_000_000L)).append('s');
    }
    return (neg ? "-" : "") + out;
  }

  private static String fraction(long value, long scale) {
    long whole = value / scale;
    long frac = value % scale;
    if (frac == 0) {
      return Long.toString(whole);
    }
    String digits = Long.toString(scale + frac).substring(1);
    int end = digits.length();
    while (end > 0 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return whole + "." + digits.substring(0, end);
  }
}
