package dev.kiln.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.core.fs.LayerIndex;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.fs.path.PathResolver;
import dev.kiln.core.fs.path.SymlinkLoopException;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.registry.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One to three fuzzed layers indexed ({@link LayerIndex#of(LayerReader)}) and stacked in a {@link
 * StackView}. The only failure allowed is a {@link LayerFormatException} (also as the cause of the
 * {@link UncheckedIOException} the view's look-ups throw), and a {@link SymlinkLoopException} when
 * resolving a link. Properties: every entry a layer places lies at a canonical path whose
 * directories are directories of the view (so resolving it, refusing to leave the root, finds the
 * entry itself); a placed file's bytes, read back through its index offset, are the bytes the tar
 * holds for it; every name the view lists can be looked up; resolving a link's target never leaves
 * the root.
 *
 * <p>Every layer's index also survives the file form the store keeps it in.
 *
 * <p>An input is the layers' blobs (tar, gzip or zstd) separated by {@link #SEPARATOR}.
 */
class StackViewFuzzTest {
  static final String SEPARATOR = "\n=== next layer ===\n";
  private static final int MAX_WALK = 5_000;
  private static final long MAX_CONTENT = 1 << 20;

  @FuzzTest(maxDuration = "20s", maxExecutions = 3_000)
  // Dictionary entries are written into libFuzzer's dictionary as they are: \x0a is a newline.
  @DictionaryEntries({"\\x0a=== next layer ===\\x0a", "ustar\\x00", "00", ".wh.", ".wh..wh..opq"})
  @DictionaryEntries({" path=", " linkpath=", "../", "/", "/etc", "..", "\\x0a"})
  void placeLayers(byte[] input) throws IOException {
    List<MemoryLayer> layers = new ArrayList<>();
    for (byte[] blob : split(input)) {
      MemoryLayer layer = MemoryLayer.of(blob);
      assertStoredIndexReadsTheSame(layer);
      layers.add(layer);
    }
    Map<Digest, Map<Long, byte[]>> contents = new HashMap<>();
    StackView view = StackView.empty();
    try {
      for (MemoryLayer layer : layers) {
        contents.put(layer.diffId(), contentsByOffset(layer.blob()));
        view = view.withLayer(layer);
        checkTopLayer(view, contents);
      }
      walk(view);
    } catch (LayerFormatException e) {
      assertTrue(e.getMessage().length() <= LayerReaderFuzzTest.MAX_MESSAGE, "message too long");
    } catch (UncheckedIOException e) {
      if (!(e.getCause() instanceof LayerFormatException)) {
        throw e;
      }
    }
  }

  /**
   * The index of a layer that indexes, written as the store keeps it, reads back the same (a layer
   * the reader takes must not be one the store cannot keep).
   */
  private static void assertStoredIndexReadsTheSame(MemoryLayer layer) throws IOException {
    LayerIndex index;
    try {
      index = layer.index();
    } catch (LayerFormatException e) {
      return;
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    index.write(file);
    LayerIndex stored = LayerIndex.read(new ByteArrayInputStream(file.toByteArray()));
    assertEquals(index.size(), stored.size());
    for (int i = 0; i < index.size(); i++) {
      assertEquals(index.header(i), stored.header(i));
      assertEquals(index.dataOffset(i), stored.dataOffset(i));
    }
  }

  /** The entries the top layer places: where they are, and what bytes they have. */
  private static void checkTopLayer(StackView view, Map<Digest, Map<Long, byte[]>> contents)
      throws IOException {
    for (StackView.Node n : view.topEntries()) {
      String path = n.entry().path();
      LayerReaderFuzzTest.assertCanonical(path);
      for (String dir = LayerPath.parent(path); !dir.isEmpty(); dir = LayerPath.parent(dir)) {
        String d = dir;
        assertTrue(
            view.get(dir).map(StackView.Node::isDirectory).orElse(false),
            () -> "'" + path + "' is placed, but '" + d + "' is not a directory of the view");
      }
      PathResolver.Resolution r =
          PathResolver.resolve(view.tree(), path, false, PathResolver.Escape.REFUSE);
      assertEquals(path, r.path(), "resolving a placed entry's own path");
      assertTrue(r.found(), path + " is placed but not found");
      if (n.origin() != null && n.entry().size() <= MAX_CONTENT) {
        byte[] expected =
            contents.get(n.origin().bytes().layer().diffId()).get(n.origin().offset());
        try (InputStream in = n.entry().content().open()) {
          assertArrayEquals(expected, in.readAllBytes(), "the bytes of " + path);
        }
      }
    }
  }

  /** Every path the view lists, from the root: it can be looked up, and links stay inside. */
  private static void walk(StackView view) throws IOException {
    Deque<String> dirs = new ArrayDeque<>(List.of(""));
    int seen = 0;
    while (!dirs.isEmpty() && seen < MAX_WALK) {
      String dir = dirs.removeFirst();
      for (String name : view.children(dir)) {
        String path = LayerPath.child(dir, name);
        seen++;
        Optional<StackView.Node> node = view.get(path);
        assertTrue(node.isPresent(), "'" + path + "' is listed but cannot be looked up");
        LayerReaderFuzzTest.assertCanonical(path);
        if (node.get().isDirectory()) {
          dirs.addLast(path);
        } else if (node.get().type() == EntryType.SYMLINK) {
          try {
            String target = view.resolve(path, true);
            if (!target.isEmpty()) {
              LayerReaderFuzzTest.assertCanonical(target);
            }
          } catch (SymlinkLoopException e) {
            // A loop is the link's own problem, reported as such.
          }
        }
      }
    }
  }

  /** Each regular file's bytes by where they start in the layer's uncompressed tar. */
  private static Map<Long, byte[]> contentsByOffset(byte[] blob) throws IOException {
    Map<Long, byte[]> out = new HashMap<>();
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(blob))) {
      for (Optional<LayerEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
        if (e.get().type() == EntryType.REGULAR && e.get().size() <= MAX_CONTENT) {
          try (InputStream in = e.get().content().open()) {
            out.put(reader.dataOffset(), in.readAllBytes());
          }
        }
      }
    } catch (LayerFormatException e) {
      // The view refuses the same layer; what was read so far is all it can have placed.
    }
    return out;
  }

  /** The blobs of an input: split at the separator, at most three. */
  static List<byte[]> split(byte[] input) {
    byte[] sep = SEPARATOR.getBytes(StandardCharsets.US_ASCII);
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i + sep.length <= input.length && out.size() < 2; i++) {
      if (Arrays.equals(input, i, i + sep.length, sep, 0, sep.length)) {
        out.add(Arrays.copyOfRange(input, start, i));
        start = i + sep.length;
        i = start - 1;
      }
    }
    out.add(Arrays.copyOfRange(input, start, input.length));
    return out;
  }
}
