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
}
