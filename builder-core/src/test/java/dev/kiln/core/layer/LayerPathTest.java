package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LayerPathTest {
  @Test
  void canonicalOrderIsDepthFirstWithWhiteoutsFirstAndBytewiseNames() {
    List<String> expected =
        List.of(
            ".wh.gone",
            "A",
            "a",
            "a/.wh..wh..opq",
            "a/.wh.old",
            "a/.wh.zzz",
            "a/B",
            "a/b",
            "a/b/c",
            "a/b-c",
            "a/bc",
            "a-b",
            "a.b",
            "a0",
            "b",
            "z",
            "\u00e9", // é: U+00E9, UTF-8 c3 a9
            "\uffff", // U+FFFF: UTF-8 ef bf bf
            "\ud83d\ude00"); // U+1F600: UTF-8 f0 9f 98 80, after U+FFFF in bytes (not in UTF-16)
    Random random = new Random(42);
    for (int round = 0; round < 20; round++) {
      List<String> shuffled = new ArrayList<>(expected);
      Collections.shuffle(shuffled, random);
      shuffled.sort(LayerPath::compare);
      assertEquals(expected, shuffled);
    }
  }

  @Test
  void normalizeResolvesDotsAndSlashesButNeverLeavesTheRoot() {
    assertEquals("app/bin", LayerPath.normalize("/app/./bin/"));
    assertEquals("usr/share", LayerPath.normalize("usr//lib/../share"));
    assertEquals("etc", LayerPath.normalize("/../../etc"));
    assertEquals("", LayerPath.normalize("/"));
  }

  @Test
  void canonicalPathsRejectAbsoluteDotsAndEmptyParts() {
    assertNull(LayerPath.canonicalProblem("a/b"));
    for (String fine : List.of("...", ".a/b", "a/..b", "a/b.", "a/.../c")) {
      assertNull(LayerPath.canonicalProblem(fine), fine);
    }
    for (String bad : List.of("", "/a", "a/", "a//b", "./a", "a/../b", "..", "a/.", "a\0b")) {
      assertThrows(
          IllegalArgumentException.class, () -> LayerPath.requireCanonical(bad, "path"), bad);
    }
  }

  @Test
  void whiteoutNames() {
    assertEquals(true, LayerPath.isWhiteout("d/.wh.x"));
    assertEquals(true, LayerPath.isOpaqueWhiteout("d/.wh..wh..opq"));
    assertEquals(false, LayerPath.isOpaqueWhiteout("d/.wh.x"));
    assertEquals("d/.wh.x", LayerEntry.whiteout("d/x", 0).path());
    assertEquals(".wh.top", LayerEntry.whiteout("top", 0).path());
    assertEquals("d/.wh..wh..opq", LayerEntry.opaqueWhiteout("d", 0).path());
  }
}
