package dev.kiln.core.step;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A numeric owner for files a step creates, from {@code COPY --chown=user[:group]} or from {@code
 * USER} (for the directories {@code WORKDIR} creates). Both follow BuildKit's file backend ({@code
 * readUser}): a user given by name gets its uid <em>and its primary group</em> from the stage's
 * {@code /etc/passwd}; a user given by number gets that number for both ids; an explicit group is
 * looked up by name in {@code /etc/group} or taken as a number. (Docker's documentation says a name
 * alone also uses the uid as gid; BuildKit does not, and kiln follows BuildKit.)
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
    long uid;
    long gid;
    if (isNumber(user)) {
      uid = id(user, "user");
      gid = uid;
    } else {
      String[] entry = find(user, passwd, "user", "/etc/passwd");
      uid = number(entry[2], user, "/etc/passwd");
      gid = entry.length >= 4 ? number(entry[3], user, "/etc/passwd") : uid;
    }
    if (grp != null && !grp.isEmpty()) {
      gid =
          isNumber(grp)
              ? id(grp, "group")
              : number(find(grp, group, "group", "/etc/group")[2], grp, "/etc/group");
    }
    return new Owner(uid, gid);
  }

  /**
   * The identity a process started with {@code USER spec} runs as (runc's user look-up): a name or
   * number found in {@code /etc/passwd} gets that entry's primary group, a number that is not there
   * gets group 0, an explicit group is resolved as in {@link #resolve}; an unknown name is an
   * error. Directories a step creates on the user's behalf ({@code WORKDIR}) use {@link #resolve}
   * instead, as BuildKit's file operations do.
   */
  public static Owner ofUser(String spec, Optional<byte[]> passwd, Optional<byte[]> group) {
    if (spec.indexOf(':') >= 0) {
      return resolve(spec, passwd, group);
    }
    long uid = isNumber(spec) ? id(spec, "user") : resolve(spec, passwd, group).uid();
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

  /** Largest uid or gid Linux has (32 bits, unsigned). */
  static final long MAX_ID = 4294967295L;

  /** Whether {@code s} is written in ASCII digits (a user or group given by number). */
  private static boolean isNumber(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /** A numeric id from a Dockerfile or an image's config, within Linux's range. */
  private static long id(String digits, String what) {
    String value = digits.replaceFirst("^0+(?=.)", "");
    if (value.length() > 10 || Long.parseLong(value) > MAX_ID) {
      throw new IllegalArgumentException(
          "invalid "
              + what
              + " id "
              + (digits.length() > 24 ? digits.substring(0, 24) + "…" : digits)
              + ": ids go from 0 to "
              + MAX_ID);
    }
    return Long.parseLong(value);
  }

  /** The fields of the line of {@code file} whose first field is {@code name}. */
  private static String[] find(String name, Optional<byte[]> file, String what, String fileName) {
    if (file.isPresent()) {
      for (String line : new String(file.get(), StandardCharsets.UTF_8).split("\n")) {
        String[] fields = line.split(":", -1);
        if (fields.length >= 3 && fields[0].equals(name)) {
          return fields;
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

  private static long number(String field, String name, String fileName) {
    try {
      long id = Long.parseLong(field.trim());
      if (id < 0 || id > MAX_ID) {
        throw new NumberFormatException(field);
      }
      return id;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "the entry for " + name + " in " + fileName + " of the image has no numeric id", e);
    }
  }
}
