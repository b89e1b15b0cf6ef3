package dev.kiln.core.git;

/**
 * What a git ref pointed at when it was resolved ({@code git ls-remote}).
 *
 * @param commit the commit hash, annotated tags peeled; what a build's key and checkout use
 * @param refName the full name of the ref ({@code refs/heads/main}, {@code refs/tags/v1}), or ""
 *     when a commit hash was given
 * @param tagObject the hash of the annotated tag object, or "" when the ref is no annotated tag
 */
public record ResolvedRef(String commit, String refName, String tagObject) {
  /** Whether {@code expected} (a hex prefix, as {@code --checksum} takes it) names this commit. */
  public boolean matches(String expected) {
    String e = expected.toLowerCase(java.util.Locale.ROOT);
    return commit.startsWith(e) || (!tagObject.isEmpty() && tagObject.startsWith(e));
  }
}
