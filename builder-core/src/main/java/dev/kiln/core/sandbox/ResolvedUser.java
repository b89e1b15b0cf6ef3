package dev.kiln.core.sandbox;

import java.util.List;

/**
 * The numeric identity a step runs as: user id, primary group id and supplementary group ids,
 * already resolved against the image's {@code /etc/passwd} and {@code /etc/group} (see {@link
 * UserResolver}).
 */
public record ResolvedUser(int uid, int gid, List<Integer> additionalGids) {
  /** Root with no supplementary groups. */
  public static final ResolvedUser ROOT = new ResolvedUser(0, 0, List.of());

  public ResolvedUser {
    if (uid < 0 || gid < 0) {
      throw new IllegalArgumentException(
          "user and group ids must not be negative: " + uid + ":" + gid);
    }
    additionalGids = List.copyOf(additionalGids);
    for (int g : additionalGids) {
      if (g < 0) {
        throw new IllegalArgumentException("group ids must not be negative: " + g);
      }
    }
  }

  /**
   * The groups the step's process gets with {@code setgroups}: the primary group first, then the
   * supplementary ones. containerd and BuildKit always add the primary group (since the fix for
   * CVE-2023-25173), as runc-based tools like buildah do, so a process never runs with a group list
   * that lacks its own group ({@code id} shows {@code groups=0(root)} for root).
   */
  public List<Integer> groups() {
    if (additionalGids.contains(gid)) {
      return additionalGids;
    }
    List<Integer> all = new java.util.ArrayList<>();
    all.add(gid);
    all.addAll(additionalGids);
    return List.copyOf(all);
  }

  /** Whether this is uid 0. */
  public boolean isRoot() {
    return uid == 0;
  }

  @Override
  public String toString() {
    return uid + ":" + gid + (additionalGids.isEmpty() ? "" : " groups=" + additionalGids);
  }
}
