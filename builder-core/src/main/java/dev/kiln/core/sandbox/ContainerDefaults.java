package dev.kiln.core.sandbox;

import java.util.List;

/**
 * What a Docker container gets by default and kiln gives every step in both backends: the
 * capability set, the minimal {@code /dev}, and the parts of {@code /proc} and {@code /sys} that
 * are hidden or read-only.
 */
final class ContainerDefaults {
  /** Docker's default capabilities (moby's {@code caps.DefaultCapabilities}). */
  static final List<String> CAPABILITIES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_FSETID",
          "CAP_FOWNER",
          "CAP_MKNOD",
          "CAP_NET_RAW",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETFCAP",
          "CAP_SETPCAP",
          "CAP_NET_BIND_SERVICE",
          "CAP_SYS_CHROOT",
          "CAP_KILL",
          "CAP_AUDIT_WRITE");

  /** Character devices bound (chroot) or created (OCI) in the step's {@code /dev}. */
  static final List<String> DEVICES = List.of("null", "zero", "full", "random", "urandom", "tty");

  /** Paths covered with an empty file or tmpfs so a step cannot read them. */
  static final List<String> MASKED_PATHS =
      List.of(
          "/proc/asound",
          "/proc/acpi",
          "/proc/kcore",
          "/proc/keys",
          "/proc/latency_stats",
          "/proc/timer_list",
          "/proc/timer_stats",
          "/proc/sched_debug",
          "/proc/scsi",
          "/sys/firmware",
          "/sys/devices/virtual/powercap");

  /** Paths a step may read but not write. */
  static final List<String> READONLY_PATHS =
      List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

  /** Size of the step's {@code /dev} and {@code /dev/shm} tmpfs (Docker's 64 MiB). */
  static final String TMPFS_SIZE = "65536k";

  private ContainerDefaults() {}

  /** The capabilities as setpriv spells them: lower case without the {@code CAP_} prefix. */
  static String setprivBoundingSet() {
    StringBuilder out = new StringBuilder("-all");
    for (String cap : CAPABILITIES) {
      out.append(",+").append(cap.substring(4).toLowerCase(java.util.Locale.ROOT));
    }
    return out.toString();
  }
}
