package dev.kiln.core.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The effective and bounding capability sets of this process, read from {@code /proc/self/status}.
 * Root in an unprivileged container (podman's or Docker's defaults, a Kubernetes pod) lacks {@code
 * CAP_SYS_ADMIN}: it cannot make mount or pid namespaces in its own user namespace, and a setuid
 * program it runs gets no more than the bounding set.
 */
record ProcessCapabilities(long effective, long bounding) {
  private static final int CAP_SYS_ADMIN = 21;

  /** This JVM's capabilities. */
  static ProcessCapabilities current() {
    try {
      return parse(Files.readAllLines(Path.of("/proc/self/status")));
    } catch (IOException e) {
      throw new SandboxException("cannot read /proc/self/status: " + e.getMessage());
    }
  }

  /** The {@code CapEff} and {@code CapBnd} lines of a {@code status} file. */
  static ProcessCapabilities parse(List<String> status) {
    Long effective = null;
    Long bounding = null;
    for (String line : status) {
      if (line.startsWith("CapEff:")) {
        effective = hex(line);
      } else if (line.startsWith("CapBnd:")) {
        bounding = hex(line);
      }
    }
    if (effective == null || bounding == null) {
      throw new SandboxException("/proc/self/status has no CapEff or CapBnd line");
    }
    return new ProcessCapabilities(effective, bounding);
  }

  private static long hex(String line) {
    return Long.parseUnsignedLong(line.substring(line.indexOf(':') + 1).trim(), 16);
  }

  /** Whether this process may make mount, pid and other namespaces itself. */
  boolean hasSysAdmin() {
    return (effective & (1L << CAP_SYS_ADMIN)) != 0;
  }

  /** Whether a setuid-root program this process runs gets {@code CAP_SYS_ADMIN}. */
  boolean boundingHasSysAdmin() {
    return (bounding & (1L << CAP_SYS_ADMIN)) != 0;
  }
}
