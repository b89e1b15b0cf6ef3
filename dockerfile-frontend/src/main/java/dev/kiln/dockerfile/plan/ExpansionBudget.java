package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.parser.DockerfileException;

/**
 * How many characters variable expansion may add to the words of one stage (or, at compile time, to
 * the global ARGs and FROM lines). One word may grow by at most {@link
 * dev.kiln.dockerfile.shell.ShellWordExpander#MAX_GROWTH}, but a few kilobytes of {@code ENV a=$BIG
 * b=$BIG ...} lines could still copy a 2 MiB value thousands of times; this caps the sum. Counts
 * only what expansion adds, so a large heredoc written out in the Dockerfile costs nothing.
 */
final class ExpansionBudget {
  static final long MAX_GROWTH = 64L * 1024 * 1024;

  private long used;

  /** Counts what expanding {@code written} into {@code expanded} added. */
  void charge(String written, String expanded) {
    long growth = (long) expanded.length() - written.length();
    if (growth > 0) {
      used += growth;
      if (used > MAX_GROWTH) {
        throw new DockerfileException(
            "variable expansion adds more than 64 MiB to this stage",
            "expand large values fewer times: expansion may add at most 64 MiB ("
                + MAX_GROWTH
                + " characters) to the words of one stage");
      }
    }
  }
}
