package dev.kiln.cli.cache;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as {@code kiln cache} reads them, the way the docker and buildx commands do: {@code
 * --keep-storage 10GB} is read with binary units (as Docker's {@code RAMInBytes}: {@code 10g},
 * {@code 10GB}, {@code 10GiB} are all 10 × 2³⁰ bytes). Sizes are printed with decimal units by
 * {@link dev.kiln.api.event.HumanReadable#bytes}, as Docker prints them.
 */
final class SizeText {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)(i?b)?", Pattern.CASE_INSENSITIVE);

  private SizeText() {}

  /**
   * Parses {@code 512}, {@code 512b}, {@code 1.5k}, {@code 10GB}, {@code 2TiB}.
   *
   * @throws IllegalArgumentException naming the value and the accepted forms
   */
  static long parse(String text) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "invalid size '"
              + text
              + "': expected a number with an optional unit, e.g. 512MB or 10GB");
    }
    double number = Double.parseDouble(m.group(1));
    String unit = m.group(2).toLowerCase(Locale.ROOT);
    int power = unit.isEmpty() ? 0 : "kmgtp".indexOf(unit) + 1;
    double bytes = number * Math.pow(1024, power);
    if (bytes >= Long.MAX_VALUE) {
      throw new IllegalArgumentException("size '" + text + "' is too large");
    }
    return (long) bytes;
  }
}
