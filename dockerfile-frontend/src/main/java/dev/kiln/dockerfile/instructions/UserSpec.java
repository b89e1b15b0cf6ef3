package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.Node;

/**
 * Checks a {@code user[:group]} value ({@code COPY --chown}, {@code ADD --chown}, {@code USER})
 * where the frontend can: each part is a name, resolved later in the image's {@code /etc/passwd}
 * and {@code /etc/group}, or a number, which must be a valid id. A number too large for a 32-bit id
 * names nobody; rejecting it here gives an error at its line instead of a failure deep in the
 * build.
 */
public final class UserSpec {
  /** The largest user or group id. */
  public static final long MAX_ID = 0xFFFFFFFFL;

  private UserSpec() {}

  /**
   * Returns {@code spec} if its numeric parts are valid ids.
   *
   * @throws DockerfileException naming the part that is not
   */
  public static String checked(String spec) {
    int colon = spec.indexOf(':');
    checkId(colon < 0 ? spec : spec.substring(0, colon), "user", spec);
    if (colon >= 0) {
      checkId(spec.substring(colon + 1), "group", spec);
    }
    return spec;
  }

  /** A {@code --chown} value expanded and checked; errors point at the flag. */
  static String expandChown(Node node, String chown, Expansion ex) {
    try {
      return checked(ex.word(chown));
    } catch (DockerfileException e) {
      throw e.withRangeIfAbsent(node.flagRange("chown"));
    }
  }

  private static void checkId(String part, String what, String spec) {
    if (part.isEmpty() || !part.chars().allMatch(Character::isDigit)) {
      return;
    }
    long id = 0;
    for (int i = 0; i < part.length() && id <= MAX_ID; i++) {
      id = id * 10 + Character.digit(part.charAt(i), 10);
    }
    if (id > MAX_ID) {
      throw new DockerfileException(
          "invalid " + what + " id " + part + " in \"" + spec + "\"",
          "ids go from 0 to " + MAX_ID + "; give a number in that range or a " + what + " name");
    }
  }
}
