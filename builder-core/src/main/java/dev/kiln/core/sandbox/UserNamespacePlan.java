package dev.kiln.core.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user namespace a rootless kiln runs steps in: the invoking user becomes root inside, and,
 * when {@code /etc/subuid} and {@code /etc/subgid} give the user ranges and {@code
 * newuidmap}/{@code newgidmap} are installed, container ids 1… map onto those ranges so that
 * non-root users and {@code chown} work. Without ranges only id 0 exists inside: {@code USER} with
 * another id, {@code chown} to another id and supplementary groups cannot work.
 */
public record UserNamespacePlan(List<IdMapping> uidMap, List<IdMapping> gidMap) {
  public UserNamespacePlan {
    uidMap = List.copyOf(uidMap);
    gidMap = List.copyOf(gidMap);
  }

  /** Whether container ids other than 0 are mapped (subordinate ranges are in use). */
  public boolean hasSubordinateRanges() {
    return uidMap.size() > 1 && gidMap.size() > 1;
  }

  /**
   * The container uid of a file owned by {@code hostUid} on disk, as a layer must record it
   * (rootless steps write files owned by mapped host ids); empty when the id is not mapped.
   */
  public java.util.OptionalLong toContainerUid(long hostUid) {
    return toContainer(uidMap, hostUid);
  }

  /** The container gid of a file owned by group {@code hostGid} on disk. */
  public java.util.OptionalLong toContainerGid(long hostGid) {
    return toContainer(gidMap, hostGid);
  }

  private static java.util.OptionalLong toContainer(List<IdMapping> map, long hostId) {
    for (IdMapping m : map) {
      if (hostId >= m.hostId() && hostId < m.hostId() + m.size()) {
        return java.util.OptionalLong.of(m.containerId() + hostId - m.hostId());
      }
    }
    return java.util.OptionalLong.empty();
  }

  /** Whether {@code uid} exists inside the namespace. */
  public boolean mapsUid(long uid) {
    return uidMap.stream()
        .anyMatch(m -> uid >= m.containerId() && uid < m.containerId() + m.size());
  }

  /** Whether {@code gid} exists inside the namespace. */
  public boolean mapsGid(long gid) {
    return gidMap.stream()
        .anyMatch(m -> gid >= m.containerId() && gid < m.containerId() + m.size());
  }

  /**
   * Throws unless a step can run as {@code user} in this namespace: every id must be mapped, and
   * supplementary groups need subordinate ranges ({@code setgroups} is denied without them).
   */
  void requireCanRunAs(ResolvedUser user, HostIdentity kiln) {
    boolean mapped =
        mapsUid(user.uid())
            && mapsGid(user.gid())
            && user.additionalGids().stream().allMatch(this::mapsGid)
            && (hasSubordinateRanges() || user.additionalGids().isEmpty());
    if (!mapped) {
      throw new SandboxException(
          "the step runs as "
              + user
              + ", but rootless kiln (uid "
              + kiln.uid()
              + ") has no subordinate ids for it: add ranges for your user to /etc/subuid and"
              + " /etc/subgid (e.g. `usermod --add-subuids 100000-165535 --add-subgids"
              + " 100000-165535 $USER`) and install newuidmap/newgidmap (Debian: apt-get install"
              + " uidmap)");
    }
  }

  /**
   * The plan for {@code user} ({@code name} and ids) given the contents of {@code /etc/subuid} and
   * {@code /etc/subgid}; subordinate ranges are used only when {@code helpersInstalled}.
   */
  static UserNamespacePlan plan(
      String name,
      HostIdentity user,
      List<String> subuid,
      List<String> subgid,
      boolean helpersInstalled) {
    List<IdMapping> uids = new ArrayList<>(List.of(new IdMapping(0, user.uid(), 1)));
    List<IdMapping> gids = new ArrayList<>(List.of(new IdMapping(0, user.gid(), 1)));
    if (helpersInstalled) {
      Optional<long[]> uidRange = firstRange(subuid, name, user.uid());
      Optional<long[]> gidRange = firstRange(subgid, name, user.uid());
      if (uidRange.isPresent() && gidRange.isPresent()) {
        uids.add(new IdMapping(1, uidRange.get()[0], uidRange.get()[1]));
        gids.add(new IdMapping(1, gidRange.get()[0], gidRange.get()[1]));
      }
    }
    return new UserNamespacePlan(uids, gids);
  }

  /** The plan for the user running kiln, from the host's files. */
  public static UserNamespacePlan forCurrentUser() {
    HostIdentity user = HostIdentity.current();
    String name = System.getProperty("user.name", "");
    boolean helpers =
        HostTools.find("newuidmap").isPresent() && HostTools.find("newgidmap").isPresent();
    return plan(
        name,
        user,
        readIfPresent(Path.of("/etc/subuid")),
        readIfPresent(Path.of("/etc/subgid")),
        helpers);
  }

  /** The first {@code name:start:count} (or {@code uid:start:count}) line for the user. */
  private static Optional<long[]> firstRange(List<String> lines, String name, long uid) {
    for (String line : lines) {
      String[] fields = line.trim().split(":");
      if (fields.length != 3) {
        continue;
      }
      if (!fields[0].equals(name) && !fields[0].equals(Long.toString(uid))) {
        continue;
      }
      try {
        long start = Long.parseLong(fields[1]);
        long count = Long.parseLong(fields[2]);
        if (start >= 0 && count > 0) {
          return Optional.of(new long[] {start, count});
        }
      } catch (NumberFormatException e) {
        // Not a range line; newuidmap would reject it too.
      }
    }
    return Optional.empty();
  }

  private static List<String> readIfPresent(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
