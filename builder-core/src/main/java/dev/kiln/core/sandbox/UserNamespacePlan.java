package dev.kiln.core.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The user namespace steps run in when kiln cannot make their namespaces without one.
 *
 * <p>Rootless kiln: the invoking user becomes root inside, and, when {@code /etc/subuid} and {@code
 * /etc/subgid} give the user ranges and {@code newuidmap}/{@code newgidmap} are installed and
 * usable, container ids 1… map onto those ranges so that non-root users and {@code chown} work.
 * Without ranges only id 0 exists inside: {@code USER} with another id, {@code chown} to another id
 * and supplementary groups cannot work.
 *
 * <p>Root without {@code CAP_SYS_ADMIN} (an unprivileged container): every id kiln has maps onto
 * itself ({@link #identity}), written by kiln, which holds {@code CAP_SETUID} and {@code
 * CAP_SETGID}; files keep their real owners and every id and group works.
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

  /** Whether every id maps onto itself (kiln is root and writes the maps itself). */
  public boolean isIdentity() {
    return !uidMap.isEmpty()
        && !gidMap.isEmpty()
        && uidMap.stream().allMatch(m -> m.containerId() == m.hostId())
        && gidMap.stream().allMatch(m -> m.containerId() == m.hostId());
  }

  /**
   * Whether a step may set supplementary groups: the kernel allows {@code setgroups} in the
   * namespace only when its gid map was written by a privileged helper or by kiln as root.
   */
  public boolean groupsSettable() {
    return hasSubordinateRanges() || isIdentity();
  }

  /**
   * The plan for root without {@code CAP_SYS_ADMIN}: each range of kiln's own namespace ({@code
   * /proc/self/uid_map} and {@code gid_map} lines, {@code inside outside count}) maps onto itself.
   */
  static UserNamespacePlan identity(List<String> ownUidMap, List<String> ownGidMap) {
    return new UserNamespacePlan(sameIds(ownUidMap), sameIds(ownGidMap));
  }

  /** {@link #identity} from this process's own maps. */
  static UserNamespacePlan identityOfCurrentProcess() {
    return identity(
        readIfPresent(Path.of("/proc/self/uid_map")), readIfPresent(Path.of("/proc/self/gid_map")));
  }

  private static List<IdMapping> sameIds(List<String> lines) {
    List<IdMapping> out = new ArrayList<>();
    for (String line : lines) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length == 3) {
        long inside = Long.parseLong(fields[0]);
        out.add(new IdMapping(inside, inside, Long.parseLong(fields[2])));
      }
    }
    if (out.isEmpty()) {
      throw new SandboxException("this process has no uid or gid map in /proc/self");
    }
    return out;
  }

  /**
   * The lines of a {@code uid_map} or {@code gid_map} file of a namespace made with {@code map}
   * ({@code inside outside count}), to be written in one piece.
   */
  static String mapFile(List<IdMapping> map) {
    StringBuilder out = new StringBuilder();
    for (IdMapping m : map) {
      out.append(m.containerId()).append(' ').append(m.hostId()).append(' ').append(m.size());
      out.append('\n');
    }
    return out.toString();
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
    requireCanRunAs(user, kiln, Optional.empty());
  }

  /**
   * {@link #requireCanRunAs(ResolvedUser, HostIdentity)}, naming {@code helpersRefused} (why the
   * installed helpers cannot map ranges here) as the fix when it is known.
   */
  void requireCanRunAs(ResolvedUser user, HostIdentity kiln, Optional<String> helpersRefused) {
    boolean mapped =
        mapsUid(user.uid())
            && mapsGid(user.gid())
            && user.additionalGids().stream().allMatch(this::mapsGid)
            && (groupsSettable() || user.additionalGids().isEmpty());
    if (!mapped) {
      throw new SandboxException(
          "the step runs as "
              + user
              + ", but rootless kiln (uid "
              + kiln.uid()
              + ") has no subordinate ids for it: "
              + helpersRefused.orElse(
                  "add ranges for your user to /etc/subuid and"
                      + " /etc/subgid (e.g. `usermod --add-subuids 100000-165535 --add-subgids"
                      + " 100000-165535 $USER`) and install newuidmap/newgidmap (Debian: apt-get"
                      + " install uidmap)"));
    }
  }

  /**
   * Why {@code newuidmap} at {@code newuidmap} cannot write a namespace's map here, if it cannot: a
   * setuid-root helper runs with root's effective uid, which does not own the namespace, so the
   * kernel wants {@code CAP_SYS_ADMIN}, and in an unprivileged container the bounding set has none.
   * Helpers with file capabilities ({@code cap_setuid}/{@code cap_setgid}) keep the caller's uid
   * and work there.
   */
  static Optional<String> helpersRefused(Path newuidmap, ProcessCapabilities caps) {
    if (caps.boundingHasSysAdmin()) {
      return Optional.empty();
    }
    try {
      Object mode = Files.getAttribute(newuidmap, "unix:mode");
      Object owner = Files.getAttribute(newuidmap, "unix:uid");
      boolean setuidRoot = (((Integer) mode) & 04000) != 0 && ((Integer) owner) == 0;
      if (!setuidRoot) {
        return Optional.empty();
      }
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
    return Optional.of(
        newuidmap
            + " is setuid root, which cannot map ids without CAP_SYS_ADMIN (an unprivileged"
            + " container has none): give newuidmap and newgidmap file capabilities instead, in the"
            + " image kiln runs from (`chmod u-s /usr/bin/newuidmap /usr/bin/newgidmap && setcap"
            + " cap_setuid=ep /usr/bin/newuidmap && setcap cap_setgid=ep /usr/bin/newgidmap`, as"
            + " kiln's own image does), or run kiln as root");
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
    Optional<Path> newuidmap = HostTools.find("newuidmap");
    boolean helpers =
        newuidmap.isPresent()
            && HostTools.find("newgidmap").isPresent()
            && helpersRefused(newuidmap.get(), ProcessCapabilities.current()).isEmpty();
    return plan(
        name,
        user,
        readIfPresent(Path.of("/etc/subuid")),
        readIfPresent(Path.of("/etc/subgid")),
        helpers);
  }

  /** Whether /etc/subuid and /etc/subgid give the user running kiln ranges. */
  static boolean currentUserHasRanges() {
    return plan(
            System.getProperty("user.name", ""),
            HostIdentity.current(),
            readIfPresent(Path.of("/etc/subuid")),
            readIfPresent(Path.of("/etc/subgid")),
            true)
        .hasSubordinateRanges();
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
