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

  /**
   * Resolves a {@code USER} value: a user without a group gets the primary group from {@code
   * /etc/passwd} (unlike {@code --chown}); an unknown name is an error, a number is taken as is.
   */
  public static Owner ofUser(String spec, Optional<byte[]> passwd, Optional<byte[]> group) {
    int colon = spec.indexOf(':');
    if (colon >= 0) {
      return resolve(spec, passwd, group);
    }
    long uid = lookup(spec, passwd, "user", "/etc/passwd");
    long gid = 0;
    if (passwd.isPresent()) {
      for (String line : new String(passwd.get(), StandardCharsets.UTF_8).split("\n")) {
        String[] fields = line.split(":", -1);
        if (fields.length >= 4 && (fields[0].equals(spec) || fields[2].equals(spec))) {
          try {
            gid = Long.parseLong(fields[3].trim());
          } catch (NumberFormatException e) {
            gid = 0;
          }
          break;
        }
      }
    }
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
