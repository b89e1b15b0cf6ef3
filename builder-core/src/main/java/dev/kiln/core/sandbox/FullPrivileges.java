package dev.kiln.core.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a step run with {@link SecurityMode#INSECURE} gets beyond {@link ContainerDefaults}, after
 * BuildKit's insecure mode: every capability a step can be given, and, when kiln is root, the
 * device nodes BuildKit adds (kernel log, fuse and cuse, kvm, tun, loop control and the loop
 * devices up to seven past the first free one).
 */
final class FullPrivileges {
  /** Capability names by number (linux/capability.h), up to CAP_CHECKPOINT_RESTORE (Linux 5.9). */
  private static final List<String> NAMES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_DAC_READ_SEARCH",
          "CAP_FOWNER",
          "CAP_FSETID",
          "CAP_KILL",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETPCAP",
          "CAP_LINUX_IMMUTABLE",
          "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST",
          "CAP_NET_ADMIN",
          "CAP_NET_RAW",
          "CAP_IPC_LOCK",
          "CAP_IPC_OWNER",
          "CAP_SYS_MODULE",
          "CAP_SYS_RAWIO",
          "CAP_SYS_CHROOT",
          "CAP_SYS_PTRACE",
          "CAP_SYS_PACCT",
          "CAP_SYS_ADMIN",
          "CAP_SYS_BOOT",
          "CAP_SYS_NICE",
          "CAP_SYS_RESOURCE",
          "CAP_SYS_TIME",
          "CAP_SYS_TTY_CONFIG",
          "CAP_MKNOD",
          "CAP_LEASE",
          "CAP_AUDIT_WRITE",
          "CAP_AUDIT_CONTROL",
          "CAP_SETFCAP",
          "CAP_MAC_OVERRIDE",
          "CAP_MAC_ADMIN",
          "CAP_SYSLOG",
          "CAP_WAKE_ALARM",
          "CAP_BLOCK_SUSPEND",
          "CAP_AUDIT_READ",
          "CAP_PERFMON",
          "CAP_BPF",
          "CAP_CHECKPOINT_RESTORE");

  /** A device node a privileged step finds in its {@code /dev}. */
  record Device(String path, char type, int major, int minor, int mode) {}

  private FullPrivileges() {}

  /**
   * The most a step can hold, as BuildKit grants what its daemon has. As root that is this
   * process's bounding set, which every process it starts inherits (some sandboxes drop a
   * capability from it, and a runtime asked for one outside it refuses the whole step). In a user
   * namespace (kiln not root) the kernel gives the namespace's first process a full bounding set,
   * so every capability the kernel knows, none of which reaches beyond the namespace.
   */
  static List<String> capabilities(boolean userNamespace) {
    try {
      if (userNamespace) {
        // Read as lines: Files.readString can stop after one byte of a procfs file of size 0.
        int last =
            Integer.parseInt(
                Files.readAllLines(Path.of("/proc/sys/kernel/cap_last_cap")).get(0).trim());
        return named(last >= 63 ? -1L : (1L << (last + 1)) - 1);
      }
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapBnd:")) {
          return named(Long.parseUnsignedLong(line.substring("CapBnd:".length()).trim(), 16));
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new SandboxException("cannot read the capabilities a step may have: " + e.getMessage());
    }
    throw new SandboxException("/proc/self/status has no CapBnd line");
  }

  /** The names of the capabilities set in {@code mask} that this kiln knows by name. */
  static List<String> named(long mask) {
    List<String> out = new ArrayList<>();
    for (int bit = 0; bit < NAMES.size(); bit++) {
      if ((mask & (1L << bit)) != 0) {
        out.add(NAMES.get(bit));
      }
    }
    return out;
  }

  /** The capabilities as setpriv lists them: lower case, without {@code CAP_}, comma-separated. */
  static String setprivList(List<String> capabilities) {
    List<String> out = new ArrayList<>();
    for (String cap : capabilities) {
      out.add("+" + cap.substring(4).toLowerCase(java.util.Locale.ROOT));
    }
    return String.join(",", out);
  }

  /**
   * The device nodes BuildKit puts in a privileged step's {@code /dev}, with the host node's
   * permissions where the host has one. Only for a step run as the host's root: in a user namespace
   * no device node can be made or opened, and BuildKit adds none there either.
   */
  static List<Device> devices() {
    List<Device> out = new ArrayList<>();
    out.add(device("/dev/kmsg", 'c', 1, 11));
    out.add(device("/dev/cuse", 'c', 10, 203));
    out.add(device("/dev/fuse", 'c', 10, 229));
    out.add(device("/dev/kvm", 'c', 10, 232));
    out.add(device("/dev/net/tun", 'c', 10, 200));
    out.add(device("/dev/loop-control", 'c', 10, 237));
    int lastLoop = firstFreeLoop() + 7;
    for (int i = 0; i <= lastLoop; i++) {
      out.add(device("/dev/loop" + i, 'b', 7, i));
    }
    return out;
  }

  /**
   * The first loop device with no file attached: its sysfs entry has no {@code loop/} directory
   * (BuildKit asks {@code /dev/loop-control}, an ioctl Java cannot make).
   */
  private static int firstFreeLoop() {
    int i = 0;
    while (i < 1024 && Files.isDirectory(Path.of("/sys/block/loop" + i + "/loop"))) {
      i++;
    }
    return i;
  }

  private static Device device(String path, char type, int major, int minor) {
    int mode = 0660;
    try {
      Object hostMode = Files.getAttribute(Path.of(path), "unix:mode", LinkOption.NOFOLLOW_LINKS);
      mode = ((Integer) hostMode) & 0777;
    } catch (IOException | UnsupportedOperationException e) {
      // No such node on the host: the kernel driver may still answer; root's default mode.
    }
    return new Device(path, type, major, minor, mode);
  }
}
