package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerTreeTest {
  private static LayerEntry file(String path, String content) {
    return LayerEntry.regularFile(path, 0644, 0, 0, 1, content.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> paths(LayerTree tree) {
    return tree.entries().stream().map(LayerEntry::path).toList();
  }

  @Test
  void entriesComeOutSortedAndALaterEntryReplacesAnEarlierOne() {
    LayerTree tree = new LayerTree();
    tree.add(file("b", "1")).add(LayerEntry.directory("a", 0755, 0, 0, 1)).add(file("a/x", "2"));
    tree.add(file("b", "replaced"));
    assertEquals(List.of("a", "a/x", "b"), paths(tree));
    assertEquals(8, tree.get("b").orElseThrow().size());
  }

  @Test
  void replacingADirectoryByAFileDropsItsSubtree() {
    LayerTree tree = new LayerTree();
    tree.add(LayerEntry.directory("d", 0755, 0, 0, 1));
    tree.add(file("d/x", "x")).add(file("d/y/z", "z")).add(file("d-sibling", "s"));
    tree.add(file("d", "now a file"));
    assertEquals(List.of("d", "d-sibling"), paths(tree));
  }

  @Test
  void implicitParentsAreCreatedFromTheTemplateOnlyWhereMissing() {
    LayerTree tree = new LayerTree(new LayerTree.ImplicitParents(0755, 0, 0, 7));
    tree.add(LayerEntry.directory("app", 0700, 1000, 1000, 1));
    tree.add(file("app/lib/deep/f", "f"));
    List<LayerEntry> entries = tree.entries();
    assertEquals(List.of("app", "app/lib", "app/lib/deep", "app/lib/deep/f"), paths(tree));
    assertEquals(0700, entries.get(0).mode());
    assertEquals(1000, entries.get(0).uid());
    assertEquals(LayerEntry.directory("app/lib", 0755, 0, 0, 7), entries.get(1));
  }

  @Test
  void withoutATemplateMissingParentsAreLeftToLowerLayers() {
    LayerTree tree = new LayerTree().add(file("usr/local/bin/tool", "t"));
    assertEquals(List.of("usr/local/bin/tool"), paths(tree));
  }

  @Test
  void anEntryBelowAFileIsRefused() {
    LayerTree tree = new LayerTree().add(file("f", "x"));
    var e = assertThrows(IllegalArgumentException.class, () -> tree.add(file("f/g", "y")));
    assertTrue(e.getMessage().contains("'f' is a REGULAR"), e.getMessage());
  }

  @Test
  void theFirstNameOfAHardlinkedFileInCanonicalOrderCarriesTheContent() {
    LayerTree tree = new LayerTree();
    LayerEntry data = file("z/data", "shared").withOwner(5, 6);
    tree.add(data);
    tree.add(LayerEntry.hardlink("a/first", "z/data", 0600, 9, 9, 99));
    tree.add(LayerEntry.hardlink("m/middle", "a/first", 0600, 9, 9, 99)); // a chain
    List<LayerEntry> entries = tree.entries();

    assertEquals(List.of("a/first", "m/middle", "z/data"), paths(tree));
    assertEquals(EntryType.REGULAR, entries.get(0).type());
    assertEquals(6, entries.get(0).size());
    assertEquals(5, entries.get(0).uid());
    for (LayerEntry link : entries.subList(1, 3)) {
      assertEquals(EntryType.HARDLINK, link.type());
      assertEquals("a/first", link.linkTarget());
      assertEquals(5, link.uid(), "a hardlink shares its file's metadata");
      assertEquals(data.mode(), link.mode());
    }
  }

  @Test
  void hardlinksMustStayInTheLayerAndLeadToARegularFile() {
    LayerTree outside = new LayerTree().add(LayerEntry.hardlink("l", "elsewhere", 0644, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, outside::entries);
    LayerTree toDir =
        new LayerTree()
            .add(LayerEntry.directory("d", 0755, 0, 0, 0))
            .add(LayerEntry.hardlink("l", "d", 0644, 0, 0, 0));
    assertThrows(IllegalArgumentException.class, toDir::entries);
  }
}
