package dev.kiln.cli;

import java.io.PrintStream;

/**
 * buildx's {@code --cgroup-parent}: accepted so buildx command lines run, and said not to apply.
 * BuildKit puts each RUN in a cgroup under the given parent; kiln runs no daemon and creates no
 * cgroup of its own, so its RUN steps stay in the cgroup kiln itself was started in.
 */
final class RunOptionsNotice {
  private RunOptionsNotice() {}

  static void say(String cgroupParent, PrintStream err) {
    if (cgroupParent != null) {
      err.println(
          "note: --cgroup-parent "
              + cgroupParent
              + " is not applied: kiln creates no cgroup of its own, so RUN steps stay in the"
              + " cgroup kiln was started in");
    }
  }
}
