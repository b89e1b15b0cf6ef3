package dev.kiln.api.request;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes as Docker's and buildx's {@code --shm-size} take it: a number, optionally with a
 * fraction, and a unit {@code b}, {@code k}, {@code m}, {@code g}, {@code t} or {@code p}, each
 * 1024 times the one before ({@code 64m}, {@code 1.5g}, {@code 2GiB}, {@code 4096}).
 */
public final class ByteSize {
  private ByteSize() {}

  private static final Pattern SIZE =
      Pattern.compile("([0-9]+(?:\\.[0-9]+)?) ?([kmgtp])?i?b?", Pattern.CASE_INSENSITIVE);

  /**
   * The size {@code text} gives, in bytes.
   *
   * @param flag the flag, for the message
   */
  public static long parse(String text, String flag) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new RequestException(
          flag + " " + text + ": not a size", "e.g. " + flag + " 64m or " + flag + " 2g");
    }
    int shift =
        m.group(2) == null
            ? 0
            : 10 * ("kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT).charAt(0)) + 1);
    BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(2).pow(shift));
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new RequestException(flag + " " + text + ": too large", "give at most a few gigabytes");
    }
    return bytes.longValue();
  }
}
