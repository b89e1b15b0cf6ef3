package dev.kiln.dockerfile.parser;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean ...?" for misspelled instructions, flags and option values. */
public final class Suggestions {
  private Suggestions() {}

  /** The closest of {@code options} to {@code value}, when it is close enough to be a typo. */
  public static Optional<String> closest(
      String value, Collection<String> options, boolean caseSensitive) {
    String v = caseSensitive ? value : value.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String option : options) {
      String o = caseSensitive ? option : option.toLowerCase(Locale.ROOT);
      int d = distance(v, o);
      if (d < bestDistance) {
        bestDistance = d;
        best = option;
      }
    }
    int limit = v.length() <= 3 ? 1 : 2;
    if (best == null || bestDistance == 0 || bestDistance > limit) {
      return Optional.empty();
    }
    return Optional.of(best);
  }

  /** {@code "did you mean X?"}, or null when nothing is close. */
  public static String hint(String value, Collection<String> options, boolean caseSensitive) {
    return closest(value, options, caseSensitive).map(s -> "did you mean " + s + "?").orElse(null);
  }

  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
