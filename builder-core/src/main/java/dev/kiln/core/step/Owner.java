package dev.kiln.core.step;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A numeric owner for copied files, from {@code --chown=user[:group]}: names are looked up in the
 * stage's {@code /etc/passwd} and {@code /etc/group}; a user without a group gets the same number
 * as its uid, as Docker documents for COPY.
 */
public record Owner(long uid, long gid) {
  public static final Owner ROOT = new Owner(0, 0);

  /**
   * Resolves {@code spec} against the image's files (absent files mean only numbers work).
   *
   * @throws IllegalArgumentException naming the user or group that is unknown
   */
  public static Owner resolve(String spec, Optional<byte[]> passwd, Optional<byte[]> group) {
    String user = spec;
    String grp = null;
    int colon = spec.indexOf(':');
    if (colon >= 0) {
      user = spec.substring(0, colon);
      grp = spec.substring(colon + 1);
    }
    long uid = lookup(user, passwd, "user", "/etc/passwd");
    long gid = grp == null || grp.isEmpty() ? uid : lookup(grp, group, "group", "/etc/group");
    return new Owner(uid, gid);
  }

  private static long lookup(String name, Optional<byte[]> file, String what, String fileName) {
    if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(name);
    }
    if (file.isPresent()) {
      for (String line : new String(file.get(), StandardCharsets.UTF_8).split("\n")) {
        String[] fields = line.split(":", -1);
        if (fields.length >= 3 && fields[0].equals(name)) {
          try {
            return Long.parseLong(fields[2].trim());
          } catch (NumberFormatException e) {
            break;
          }
        }
      }
    }
    throw new IllegalArgumentException(
        "unable to find "
            + what
            + " "
            + name
            + ": no matching entries in "
            + fileName
            + " of the image");
  }
}
