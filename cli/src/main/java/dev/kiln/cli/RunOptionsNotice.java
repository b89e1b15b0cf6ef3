package dev.kiln.cli;

import dev.kiln.api.request.RequestException;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * buildx's {@code --ulimit}, {@code --shm-size} and {@code --cgroup-parent}: kiln checks their
 * syntax, so a typo fails as in buildx, and says that it does not apply them, so a build that
 * relies on them is not silently different.
 */
final class RunOptionsNotice {
  private RunOptionsNotice() {}

  private static final Set<String> ULIMIT_NAMES =
      Set.of(
          "core",
          "cpu",
          "data",
          "fsize",
          "locks",
          "memlock",
          "msgqueue",
          "nice",
          "nofile",
          "nproc",
          "rss",
          "rtprio",
          "rttime",
          "sigpending",
          "stack");

  static void check(List<String> ulimits, String shmSize) {
    for (String u : ulimits) {
      int eq = u.indexOf('=');
      String name = eq < 0 ? u : u.substring(0, eq);
      if (!ULIMIT_NAMES.contains(name)) {
        throw new RequestException(
            "--ulimit " + u + ": invalid ulimit type '" + name + "'",
            "use one of " + String.join(", ", new java.util.TreeSet<>(ULIMIT_NAMES)));
      }
      String limits = eq < 0 ? "" : u.substring(eq + 1);
      if (!limits.matches("-?[0-9]+(:-?[0-9]+)?")) {
        throw new RequestException(
            "--ulimit " + u + ": expected NAME=SOFT[:HARD] with numbers",
            "e.g. --ulimit nofile=1024:2048");
      }
    }
    if (shmSize != null && !shmSize.trim().matches("(?i)[0-9]+(\\.[0-9]+)?\\s*([kmgtp]i?)?b?")) {
      throw new RequestException(
          "--shm-size " + shmSize + ": not a size", "e.g. --shm-size 64m or --shm-size 2g");
    }
  }

  static void say(List<String> ulimits, String shmSize, String cgroupParent, PrintStream err) {
    if (!ulimits.isEmpty()) {
      err.println(
          "note: --ulimit "
              + String.join(" ", ulimits)
              + " is not applied; RUN steps keep the limits kiln runs with");
    }
    if (shmSize != null) {
      err.println(
          "note: --shm-size " + shmSize + " is not applied; /dev/shm keeps its default size");
    }
    if (cgroupParent != null) {
      err.println(
          "note: --cgroup-parent "
              + cgroupParent
              + " is not applied; RUN steps run in kiln's own cgroup");
    }
  }
}
