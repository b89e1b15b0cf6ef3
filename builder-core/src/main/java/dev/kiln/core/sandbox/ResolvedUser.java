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

  /** Whether this is uid 0. */
  public boolean isRoot() {
    return uid == 0;
  }

  @Override
  public String toString() {
    return uid + ":" + gid + (additionalGids.isEmpty() ? "" : " groups=" + additionalGids);
  }
}
