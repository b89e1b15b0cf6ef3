package dev.kiln.registry.client;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Says which tags a repository has when the one asked for is missing: all of them when they are
 * few, else the few that come closest to it (fewest edits, less the length of the common start, so
 * that {@code 1.2} finds {@code 1.2.0} before {@code 1.3}): {@code app:1.2.O} or {@code
 * app:lastest} points at the tag that was meant.
 */
final class TagSuggestions {
  /** How many tags one listing asks for. */
  static final int PAGE = 1000;

  private static final int ALL_WHEN_AT_MOST = 8;
  private static final int CLOSEST = 5;

  private TagSuggestions() {}

  /**
   * @param missing the tag that does not exist
   * @param tags the repository's tags (the first page of them when {@code more})
   * @param more whether the registry has more tags than {@code tags}
   */
  static String describe(String missing, List<String> tags, boolean more) {
    if (tags.isEmpty()) {
      return "the repository has no tags";
    }
    if (tags.size() <= ALL_WHEN_AT_MOST && !more) {
      return "its tags: " + String.join(", ", tags.stream().sorted().toList());
    }
    String wanted = missing.toLowerCase(Locale.ROOT);
    List<String> closest =
        tags.stream()
            .sorted(
                Comparator.comparingInt((String t) -> distance(wanted, lower(t)))
                    .thenComparing(Comparator.naturalOrder()))
            .limit(CLOSEST)
            .toList();
    return "of its "
        + (more ? "more than " : "")
        + tags.size()
        + " tags the closest are: "
        + String.join(", ", closest);
  }

  private static int distance(String wanted, String tag) {
    return edits(wanted, tag) - commonStart(wanted, tag);
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static int commonStart(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  /** Levenshtein distance; tags are at most 128 characters, so two rows suffice. */
  private static int edits(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
