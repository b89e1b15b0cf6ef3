package dev.kiln.core.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.fs.TestLayer.E;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.ExtractOptions;
import dev.kiln.core.layer.LayerExtractor;
import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.layer.UnsafeLayerEntryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stack view against the reference: the same layers extracted one after the other into a
 * directory, as a runtime applies them. For every stack the view's files (type, mode, link target,
 * content) must be exactly the directory's.
 */
class StackViewTest {
  static Stream<Arguments> stacks() {
    return Stream.of(
        stack(
            "a whiteout hides a file and a directory",
            List.of(E.dir("d/"), E.file("d/a", "a"), E.dir("e/"), E.file("e/x", "x")),
            List.of(E.whiteout("d/a"), E.whiteout("e"))),
        stack(
            "an opaque directory hides what was below, not what its layer adds",
            List.of(E.dir("d/"), E.file("d/old", "old")),
            List.of(E.dir("d/"), E.opaque("d"), E.file("d/new", "new"))),
        stack(
            "a directory replaced by a file and a file by a directory",
            List.of(E.dir("x/"), E.file("x/a", "a"), E.file("y", "y")),
            List.of(E.file("x", "now a file"), E.dir("y/"), E.file("y/in", "in"))),
        stack(
            "entries added through lower symlinks, relative and absolute",
            List.of(E.dir("data/"), E.link("x", "data"), E.link("abs", "/data")),
            List.of(E.file("x/one", "1"), E.file("abs/two", "2"))),
        stack(
            "a symlink made earlier in the same layer",
            List.of(
                E.dir("usr/"),
                E.dir("usr/lib/"),
                E.link("lib", "usr/lib"),
                E.file("lib/x.so", "so"))),
        stack(
            "a directory replaced by a symlink",
            List.of(E.dir("x/"), E.file("x/a", "a")),
            List.of(E.link("x", "/etc"))),
        stack(
            "hard links in a layer and into a lower one",
            List.of(E.file("a", "data"), E.hard("b", "a")),
            List.of(E.hard("c", "a"), E.whiteout("a"))),
        stack(
            "a whited-out file made again above",
            List.of(E.file("f", "first")),
            List.of(E.whiteout("f")),
            List.of(E.file("f", "again"))),
        stack("missing parents are made", List.of(E.file("deep/er/file", "deep"))),
        stack(
            "a later entry of the same name wins",
            List.of(E.file("twice", "first"), E.file("twice", "second"))),
        // Found by StackViewFuzzTest: entries of the layer placed before its own whiteout of
        // their directory stayed in the view, in a directory the view no longer had.
        stack(
            "a whiteout after the layer's own files in the directory it hides",
            List.of(E.dir("d/"), E.file("d/lower", "lower")),
            List.of(E.file("d/mine", "mine"), E.whiteout("d"), E.file("d/later", "later"))),
        stack(
            "an opaque directory after the layer's own files in a lower subdirectory",
            List.of(E.dir("d/"), E.dir("d/sub/"), E.file("d/sub/old", "old")),
            List.of(
                E.file("d/sub/mine", "mine"),
                E.file("d/kept", "kept"),
                E.opaque("d"),
                E.file("d/sub/later", "later"))));
  }

  @SafeVarargs
  private static Arguments stack(String name, List<E>... layers) {
    List<TestLayer> built = new ArrayList<>();
    for (List<E> entries : layers) {
      built.add(TestLayer.of(entries.toArray(E[]::new)));
    }
    return Arguments.of(name, built);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void showsWhatExtractionMakes(String name, List<TestLayer> layers, @TempDir Path dir)
      throws IOException {
    Path root = Files.createDirectory(dir.resolve("root"));
    LayerExtractor extractor = new LayerExtractor(root, ExtractOptions.unprivileged());
    for (TestLayer l : layers) {
      extractor.extract(l.open());
    }
    TreeMap<String, String> expected = onDisk(root);
    assertFalse(expected.isEmpty(), "the reference extracted nothing");
    assertEquals(expected, inView(TestLayer.stack(layers)), name);
  }

  @Test
  void resolvesAndListsThroughTheLayers() throws IOException {
    StackView view =
        TestLayer.stack(
            List.of(
                TestLayer.of(E.dir("usr/"), E.dir("usr/bin/"), E.link("bin", "usr/bin")),
                TestLayer.of(E.file("usr/bin/sh", "sh"))));
    assertEquals("usr/bin/sh", view.resolve("/bin/sh", true));
    assertEquals("bin", view.resolve("bin", false));
    assertEquals(List.of("bin", "usr"), view.children(""));
    assertEquals(EntryType.REGULAR, view.get("usr/bin/sh").orElseThrow().type());
    assertFalse(view.topDependsOnLayersBelow());
    assertEquals("sh", new String(view.readFile("usr/bin/sh", 100).orElseThrow()));
  }

  @Test
  void knowsWhenALayerCannotStandOnItsOwn() throws IOException {
    TestLayer base = TestLayer.of(E.dir("data/"), E.link("x", "data"), E.file("f", "f"));
    assertTrue(
        TestLayer.stack(List.of(base, TestLayer.of(E.file("x/in", "i"))))
            .topDependsOnLayersBelow());
    assertTrue(
        TestLayer.stack(List.of(base, TestLayer.of(E.hard("g", "f")))).topDependsOnLayersBelow());
    assertFalse(
        TestLayer.stack(List.of(base, TestLayer.of(E.file("y", "y")))).topDependsOnLayersBelow());
  }

  @Test
  void refusesWhatExtractionRefuses() {
    TestLayer out = TestLayer.of(E.link("evil", "../../.."), E.file("evil/pwned", "x"));
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> TestLayer.stack(List.of(out)).get("x"));
    assertTrue(e.getCause() instanceof UnsafeLayerEntryException, e.toString());
    assertTrue(e.getMessage().contains("evil/pwned"), e.getMessage());
    TestLayer missing = TestLayer.of(E.hard("h", "nothing"));
    assertThrows(UncheckedIOException.class, () -> TestLayer.stack(List.of(missing)).get("h"));
    TestLayer emptyWhiteout = TestLayer.of(E.file("d/.wh.", ""));
    IOException refused = assertThrows(IOException.class, emptyWhiteout::index);
    assertTrue(refused instanceof LayerFormatException, refused.toString());
  }

  @Test
  void refusesAnEntryUnderALowerFileAsExtractionDoes(@TempDir Path dir) throws IOException {
    // Found by StackViewFuzzTest (stack-view/file-in-lower-file): the view placed d/mine under
    // the lower layer's file d, because only directories in the middle of a path were checked.
    for (TestLayer base :
        List.of(TestLayer.of(E.file("d", "x")), TestLayer.of(E.dir("d/"), E.file("d", "x")))) {
      List<TestLayer> layers = List.of(base, TestLayer.of(E.file("d/mine", "m")));
      Path root = Files.createDirectory(dir.resolve("root" + root(dir)));
      LayerExtractor extractor = new LayerExtractor(root, ExtractOptions.unprivileged());
      extractor.extract(base.open());
      assertThrows(IOException.class, () -> extractor.extract(layers.get(1).open()));
      UncheckedIOException e =
          assertThrows(UncheckedIOException.class, () -> TestLayer.stack(layers).get("d/mine"));
      assertEquals(
          "layer entry 'd/mine' needs 'd' to be a directory, but it is a file",
          e.getCause().getMessage());
    }
  }

  private static int root(Path dir) throws IOException {
    try (var list = Files.list(dir)) {
      return (int) list.count();
    }
  }

  /** path → "type mode [target|content]" of everything below the root, links not followed. */
  private static TreeMap<String, String> onDisk(Path root) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (p.equals(root)) {
          continue;
        }
        String rel = root.relativize(p).toString();
        int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        if (Files.isSymbolicLink(p)) {
          out.put(rel, "l " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          out.put(rel, "d " + Integer.toOctalString(mode));
        } else {
          out.put(rel, "f " + Integer.toOctalString(mode) + " " + Files.readString(p));
        }
      }
    }
    return out;
  }

  private static TreeMap<String, String> inView(StackView view) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    walk(view, "", out);
    return out;
  }

  private static void walk(StackView view, String dir, TreeMap<String, String> out)
      throws IOException {
    for (String name : view.children(dir)) {
      String path = dir.isEmpty() ? name : dir + "/" + name;
      StackView.Node n = view.get(path).orElseThrow(() -> new AssertionError("listed " + path));
      switch (n.type()) {
        case SYMLINK -> out.put(path, "l " + n.entry().linkTarget());
        case DIRECTORY -> {
          out.put(path, "d " + Integer.toOctalString(n.entry().mode()));
          walk(view, path, out);
        }
        default -> {
          try (InputStream in = n.entry().content().open()) {
            out.put(
                path,
                "f "
                    + Integer.toOctalString(n.entry().mode())
                    + " "
                    + new String(in.readAllBytes(), StandardCharsets.UTF_8));
          }
        }
      }
    }
  }
}
