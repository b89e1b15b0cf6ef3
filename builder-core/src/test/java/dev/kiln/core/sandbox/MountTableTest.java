package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {
  @Test
  void parsesMountPointsWithEscapes() {
    List<String> lines =
        List.of(
            "22 27 0:21 / /proc rw,relatime - proc proc rw",
            "98 27 0:55 / /tmp/with\\040space\\011tab rw - overlay overlay rw,lowerdir=/a",
            "99 27 0:56 / /tmp/back\\134slash rw - tmpfs tmpfs rw");
    assertEquals(
        List.of(Path.of("/proc"), Path.of("/tmp/with space\ttab"), Path.of("/tmp/back\\slash")),
        MountTable.parse(lines));
  }

  @Test
  void leavesNonEscapesAlone() {
    assertEquals("/a\\b\\12", MountTable.unescape("/a\\b\\12"));
  }

  @Test
  void theLockedFlagsAreThoseOfTheDeepestTopmostMountUnderAPath() {
    // An unprivileged podman container's mounts: its root and its /dev/shm.
    List<String> lines =
        List.of(
            "82 54 254:0 /c / rw,relatime - ext4 /dev/vda rw",
            "85 82 0:46 / /dev rw,nosuid,noexec - tmpfs tmpfs rw",
            "93 85 0:42 / /dev/shm rw,nosuid,nodev,noexec,relatime - tmpfs shm rw",
            "94 85 0:43 / /dev/shm rw,nodev,relatime - tmpfs shm rw");
    assertEquals(
        List.of("nodev"), MountTable.lockedFlagsAt(lines, Path.of("/dev/shm/kiln/step/hosts")));
    assertEquals(
        List.of("nosuid", "noexec"), MountTable.lockedFlagsAt(lines, Path.of("/dev/null")));
    assertEquals(List.of(), MountTable.lockedFlagsAt(lines, Path.of("/root/.cache/kiln")));
    assertEquals(
        List.of("nosuid", "noexec"), MountTable.lockedFlagsAt(lines, Path.of("/dev/shmx")));
  }
}
