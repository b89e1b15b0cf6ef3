package dev.kiln.dockerfile.lint;

import java.util.regex.Pattern;

/**
 * Whether a FROM word is a well-formed image reference ({@code [host[:port]/]path[:tag][@digest]},
 * lower-case path components), as a registry client would accept it. The frontend imports nothing
 * of kiln's registry client, so this is the grammar alone, for a build check.
 */
public final class ReferenceSyntax {
  private ReferenceSyntax() {}

  private static final String HOST_PART = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String HOST =
      "(?:" + HOST_PART + "(?:\\." + HOST_PART + ")*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?";
  private static final String PATH_PART = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
  private static final Pattern REFERENCE =
      Pattern.compile(
          "(?:"
              + HOST
              + "/)?"
              + PATH_PART
              + "(?:/"
              + PATH_PART
              + ")*"
              + "(?::[\\w][\\w.-]{0,127})?"
              + "(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?");

  /** Names longer than this are refused by registries (the tag and digest not counted). */
  private static final int MAX_NAME = 255;

  public static boolean isValid(String reference) {
    if (!REFERENCE.matcher(reference).matches()) {
      return false;
    }
    int end = reference.indexOf('@');
    String name = end < 0 ? reference : reference.substring(0, end);
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    if (colon > slash) {
      name = name.substring(0, colon);
    }
    // A bare 64-hex name would read as an image ID, which a reference may not be.
    return name.length() <= MAX_NAME && !name.matches("[a-f0-9]{64}");
  }
}
