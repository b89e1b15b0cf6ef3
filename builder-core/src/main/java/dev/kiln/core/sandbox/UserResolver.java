package dev.kiln.core.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a Dockerfile {@code USER} value ({@code name}, {@code uid}, {@code name:group}, {@code
 * uid:gid}, …) into numeric ids using the image's own {@code /etc/passwd} and {@code /etc/group},
 * with the rules BuildKit applies (through runc's user lookup):
 *
 * <ul>
 *   <li>{@code uid:gid}, both numeric (or {@code root}), is taken as is: no files read, no
 *       supplementary groups.
 *   <li>A user name must exist in {@code /etc/passwd}; a numeric user need not (then the group is 0
 *       unless given). An empty user means uid 0.
 *   <li>Without an explicit group, the primary group comes from {@code /etc/passwd} and the
 *       supplementary groups are every group in {@code /etc/group} that lists the user's name.
 *   <li>With an explicit group, it must exist by name in {@code /etc/group} or be numeric, and
 *       there are no supplementary groups.
 *   <li>Ids must lie in 0..2147483647.
 * </ul>
 *
 * Errors read like BuildKit's ("unable to find user app: no matching entries in passwd file").
 */
public final class UserResolver {
  private static final long MAX_ID = Integer.MAX_VALUE;

  private UserResolver() {}

  /** Resolves {@code spec} against the files of {@code rootfs}. */
  public static ResolvedUser resolve(Path rootfs, String spec) {
    String trimmed = spec == null ? "" : spec.trim();
    Optional<ResolvedUser> fast = numericPair(trimmed);
    if (fast.isPresent()) {
      return fast.get();
    }
    int colon = trimmed.indexOf(':');
    String userArg = colon < 0 ? trimmed : trimmed.substring(0, colon);
    String groupArg = colon < 0 ? "" : trimmed.substring(colon + 1);
    Long uidArg = parseId(userArg);
    Long gidArg = parseId(groupArg);

    Optional<List<String>> passwd = readLines(rootfs, "/etc/passwd");
    Optional<List<String>> group = readLines(rootfs, "/etc/group");

    long uid = 0;
    long gid = 0;
    String matchedName = null;
    PasswdEntry match = null;
    for (String line : passwd.orElse(List.of())) {
      PasswdEntry entry = PasswdEntry.parse(line);
      if (entry == null) {
        continue;
      }
      boolean matches;
      if (userArg.isEmpty()) {
        matches = entry.uid == 0;
      } else if (uidArg != null) {
        matches = entry.uid == uidArg;
      } else {
        matches = entry.name.equals(userArg);
      }
      if (matches) {
        match = entry;
        break;
      }
    }
    if (match != null) {
      matchedName = match.name;
      uid = match.uid;
      gid = match.gid;
    } else if (!userArg.isEmpty()) {
      if (uidArg == null) {
        throw new UserLookupException(
            "unable to find user " + userArg + ": no matching entries in passwd file");
      }
      uid = checkRange(uidArg);
    }

    List<Integer> supplementary = new ArrayList<>();
    if (!groupArg.isEmpty() || matchedName != null) {
      List<GroupEntry> groups = new ArrayList<>();
      for (String line : group.orElse(List.of())) {
        GroupEntry entry = GroupEntry.parse(line);
        if (entry == null) {
          continue;
        }
        boolean matches;
        if (groupArg.isEmpty()) {
          matches = entry.members.contains(matchedName);
        } else if (gidArg != null) {
          matches = entry.gid == gidArg;
        } else {
          matches = entry.name.equals(groupArg);
        }
        if (matches) {
          groups.add(entry);
        }
      }
      if (!groupArg.isEmpty()) {
        if (!groups.isEmpty()) {
          gid = groups.get(0).gid;
        } else if (gidArg == null) {
          throw new UserLookupException(
              "unable to find group " + groupArg + ": no matching entries in group file");
        } else {
          gid = checkRange(gidArg);
        }
      } else {
        Set<Integer> seen = new LinkedHashSet<>();
        for (GroupEntry entry : groups) {
          seen.add((int) entry.gid);
        }
        supplementary.addAll(seen);
      }
    }
    return new ResolvedUser((int) checkRange(uid), (int) checkRange(gid), supplementary);
  }

  /**
   * The home directory of {@code uid} in the image's {@code /etc/passwd} (first entry with that
   * uid), or {@code /}: what runc puts in {@code HOME} when the step's environment has none.
   */
  public static String homeDirectory(Path rootfs, int uid) {
    for (String line : readLines(rootfs, "/etc/passwd").orElse(List.of())) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] fields = trimmed.split(":", -1);
      if (fields.length >= 6 && Long.valueOf(uid).equals(parseId(fields[2]))) {
        return fields[5].isEmpty() ? "/" : fields[5];
      }
    }
    return "/";
  }

  /** BuildKit's fast path: both parts present and numeric ({@code root} counts as 0). */
  private static Optional<ResolvedUser> numericPair(String spec) {
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    int colon = spec.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    Long uid = fastId(spec.substring(0, colon));
    Long gid = fastId(spec.substring(colon + 1));
    if (uid == null || gid == null || uid > 0xffffffffL || gid > 0xffffffffL) {
      return Optional.empty();
    }
    return Optional.of(new ResolvedUser((int) checkRange(uid), (int) checkRange(gid), List.of()));
  }

  private static Long fastId(String value) {
    return value.equals("root") ? Long.valueOf(0) : parseId(value);
  }

  private static Long parseId(String value) {
    if (value.isEmpty() || value.length() > 19) {
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return Long.parseLong(value);
  }

  private static long checkRange(long id) {
    if (id < 0 || id > MAX_ID) {
      throw new UserLookupException("uids and gids must be in range 0-" + MAX_ID + ", not " + id);
    }
    return id;
  }

  private static Optional<List<String>> readLines(Path rootfs, String containerPath) {
    Path file = RootPath.resolve(rootfs, containerPath);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + containerPath + " of " + rootfs, e);
    }
  }

  private record PasswdEntry(String name, long uid, long gid) {
    static PasswdEntry parse(String line) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        return null;
      }
      String[] fields = trimmed.split(":", -1);
      if (fields.length < 4) {
        return null;
      }
      Long uid = parseId(fields[2]);
      Long gid = parseId(fields[3]);
      return uid == null || gid == null ? null : new PasswdEntry(fields[0], uid, gid);
    }
  }

  private record GroupEntry(String name, long gid, List<String> members) {
    static GroupEntry parse(String line) {
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        return null;
      }
      String[] fields = trimmed.split(":", -1);
      if (fields.length < 3) {
        return null;
      }
      Long gid = parseId(fields[2]);
      if (gid == null) {
        return null;
      }
      List<String> members = new ArrayList<>();
      if (fields.length > 3) {
        for (String member : fields[3].split(",")) {
          if (!member.isBlank()) {
            members.add(member.trim());
          }
        }
      }
      return new GroupEntry(fields[0], gid, members);
    }
  }
}
