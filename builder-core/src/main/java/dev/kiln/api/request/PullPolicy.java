package dev.kiln.api.request;

import java.util.Locale;

/**
 * When a build asks the registry for a base image that kiln's local store also holds ({@code
 * --pull}).
 */
public enum PullPolicy {
  /**
   * No flag: an image {@code kiln pull} stored is checked against its registry tag (one HEAD) and
   * the registry's image used when the tag moved; when the registry does not answer, the stored
   * image is used with a warning. Images built or loaded under a name are used as they are.
   */
  NEWER,
  /**
   * {@code --pull}, {@code --pull=always}: every tag is resolved in its registry, or the build
   * fails.
   */
  ALWAYS,
  /**
   * {@code --pull=missing}: a stored image is used without asking the registry; so is the manifest
   * a tag gave an earlier build on the same store.
   */
  MISSING,
  /** {@code --pull=never}: only stored images; the registry is never asked. */
  NEVER;

  /** The policy a {@code --pull} value names: {@code true}/{@code always}, {@code false}, ... */
  public static PullPolicy parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "", "true", "always" -> ALWAYS;
      case "false", "newer" -> NEWER;
      case "missing", "ifmissing" -> MISSING;
      case "never" -> NEVER;
      default ->
          throw new RequestException(
              "unknown --pull value \"" + text + "\"",
              "write --pull (always), --pull=missing, --pull=never or omit it");
    };
  }
}
