package dev.kiln.core.rootfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.layer.UnsafeLayerEntryException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EntryPlacementTest {
  private static EntryPlacement.Symlinks links(Map<String, String> map) {
    return map::get;
  }

  @Test
  void entriesWithoutSymlinksStayWhereTheyAre() throws Exception {
    assertEquals("a/b/c", EntryPlacement.place("a/b/c", "a/b/c", links(Map.of())));
    assertEquals("top", EntryPlacement.place("top", "top", links(Map.of("top", "/elsewhere"))));
  }

  @Test
  void relativeAndAbsoluteSymlinksInTheParentAreFollowedInsideTheImage() throws Exception {
    EntryPlacement.Symlinks l =
        links(Map.of("lib", "usr/lib", "usr/lib", "../opt/lib", "etc/alt", "/srv/conf"));
    assertEquals("opt/lib/x.so", EntryPlacement.place("lib/x.so", "lib/x.so", l));
    assertEquals("srv/conf/a", EntryPlacement.place("etc/alt/a", "etc/alt/a", l));
    assertEquals("opt/lib", EntryPlacement.directory("lib", "lib", l));
  }

  @Test
  void aSymlinkThatClimbsAboveTheRootIsRefusedNamingTheEntry() {
    UnsafeLayerEntryException e =
        assertThrows(
            UnsafeLayerEntryException.class,
            () -> EntryPlacement.place("evil/x", "evil/x", links(Map.of("evil", "../../etc"))));
    assertEquals("evil/x", e.entryName());
    assertTrue(e.getMessage().contains("symlink 'evil'"), e.getMessage());
  }

  @Test
  void aSymlinkLoopEnds() {
    LayerFormatException e =
        assertThrows(
            LayerFormatException.class,
            () -> EntryPlacement.place("a/x", "a/x", links(Map.of("a", "b", "b", "a"))));
    assertTrue(e.getMessage().contains("too many levels"), e.getMessage());
  }
}
