package dev.kiln.core.sandbox;

import dev.kiln.core.host.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The mount points of kiln's own mount namespace, from {@code /proc/self/mountinfo}: used to find
 * and remove anything kiln left mounted under one of its directories, and by tests to prove it left
 * nothing.
 */
public final class MountTable {
  private MountTable() {}

  /** All current mount points, in mount order. */
  public static List<Path> mountPoints() {
    try {
      return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
    }
  }

  /** Mount points at or below {@code dir}, deepest first (the order to unmount them in). */
  public static List<Path> mountPointsUnder(Path dir) {
    Path base = dir.toAbsolutePath().normalize();
    List<Path> under = new ArrayList<>();
    for (Path mountPoint : mountPoints()) {
      if (mountPoint.startsWith(base)) {
        under.add(mountPoint);
      }
    }
    under.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return under;
  }

  /**
   * Lazily unmounts everything at or below {@code dir}, deepest first; used by cleanup paths, which
   * must not leave mounts behind even when a step was killed half-way.
   */
  public static void unmountAllUnder(Path dir) {
    for (Path mountPoint : mountPointsUnder(dir)) {
      Path umount = HostTools.require("umount", "mount", "to remove a step's mounts");
      try {
        HostCommand.of(umount.toString(), "--lazy", mountPoint.toString())
            .finishingWhenInterrupted()
            .run()
            .requireSuccess("unmount " + mountPoint);
      } catch (IOException e) {
        throw new SandboxException(e.getMessage(), e);
      }
    }
  }

  /**
   * The flags among {@code nosuid}, {@code nodev} and {@code noexec} of the mount {@code path} lies
   * on. In a user namespace the kernel locks them on every mount inherited from outside, and on
   * binds of those: a read-only remount of such a bind must repeat them or is refused.
   */
  static List<String> lockedFlagsAt(Path path) {
    try {
      return lockedFlagsAt(Files.readAllLines(Path.of("/proc/self/mountinfo")), path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
    }
  }

  /** {@link #lockedFlagsAt(Path)} from mountinfo {@code lines}. */
  static List<String> lockedFlagsAt(List<String> lines, Path path) {
    Path target = path.toAbsolutePath().normalize();
    String options = "";
    int depth = -1;
    for (String line : lines) {
      String[] fields = line.split(" ");
      if (fields.length < 6) {
        continue;
      }
      Path mountPoint = Path.of(unescape(fields[4]));
      // A later mount on the same point is on top of the earlier one.
      if (target.startsWith(mountPoint) && mountPoint.getNameCount() >= depth) {
        depth = mountPoint.getNameCount();
        options = fields[5];
      }
    }
    List<String> out = new ArrayList<>();
    for (String option : options.split(",")) {
      if (List.of("nosuid", "nodev", "noexec").contains(option)) {
        out.add(option);
      }
    }
    return out;
  }

  /** Parses mountinfo lines into mount points (field 5, with octal escapes decoded). */
  static List<Path> parse(List<String> lines) {
    List<Path> points = new ArrayList<>();
    for (String line : lines) {
      String[] fields = line.split(" ");
      if (fields.length > 4) {
        points.add(Path.of(unescape(fields[4])));
      }
    }
    return points;
  }

  /** The kernel writes space, tab, newline and backslash in mount paths as {@code \ooo}. */
  static String unescape(String field) {
    StringBuilder out = new StringBuilder(field.length());
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}
