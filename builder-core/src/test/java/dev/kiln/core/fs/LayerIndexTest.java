package dev.kiln.core.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.ContentSource;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.layer.LayerWriter;
import dev.kiln.core.layer.WrittenLayer;
import dev.kiln.registry.model.Descriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A layer's index, made while kiln writes the layer or by reading it afterwards, says the same
 * thing, survives its file form, and finds each file's bytes by offset.
 */
class LayerIndexTest {
  @Test
  void theWritersIndexIsTheReadersAndFindsTheBytes() throws IOException {
    LayerTree tree = new LayerTree();
    String big = "x".repeat(70_000);
    tree.add(LayerEntry.directory("app", 0755, 0, 0, 100));
    tree.add(file("app/a.txt", "alpha"));
    tree.add(file("app/big", big).withXattrs(Map.of("user.k", new byte[] {1, 2, (byte) 0xff})));
    tree.add(LayerEntry.symlink("app/link", "a.txt", 0, 0, 100));
    tree.add(LayerEntry.hardlink("app/again", "app/a.txt", 0644, 0, 0, 100));
    tree.add(file("app/" + "long-name-".repeat(20), "long"));
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    WrittenLayer written = LayerWriter.writeTo(blob, tree.entries(), LayerOptions.defaults());

    LayerIndex fromWriter = LayerIndex.of(written.contents());
    LayerIndex fromReader;
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(blob.toByteArray()))) {
      fromReader = LayerIndex.of(reader);
    }
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    fromReader.write(file);
    LayerIndex fromFile = LayerIndex.read(new ByteArrayInputStream(file.toByteArray()));

    assertEquals(fromReader.size(), fromWriter.size());
    assertEquals(fromReader.size(), fromFile.size());
    LayerRef ref =
        new LayerRef(
            Descriptor.of(written.mediaType(), written.digest(), written.size()), written.diffId());
    LayerBytes bytes =
        new LayerBytes(ref, d -> new ByteArrayInputStream(blob.toByteArray()), Optional::empty);
    for (int i = 0; i < fromReader.size(); i++) {
      assertEquals(fromReader.header(i), fromWriter.header(i), "entry " + i);
      assertEquals(fromReader.header(i), fromFile.header(i), "entry " + i);
      assertEquals(fromReader.dataOffset(i), fromWriter.dataOffset(i), "offset of entry " + i);
      assertEquals(fromReader.dataOffset(i), fromFile.dataOffset(i), "offset of entry " + i);
    }
    for (LayerIndex index : new LayerIndex[] {fromReader, fromWriter, fromFile}) {
      assertEquals("alpha", text(index.entry(indexOf(index, "app/a.txt"), bytes)));
      assertEquals(big, text(index.entry(indexOf(index, "app/big"), bytes)));
      assertArrayEquals(
          new byte[] {1, 2, (byte) 0xff},
          index.header(indexOf(index, "app/big")).xattrs().get("user.k"));
    }
  }

  private static LayerEntry file(String path, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return LayerEntry.regularFile(
        path, 0644, 0, 0, 100, bytes.length, ContentSource.ofBytes(bytes));
  }

  private static int indexOf(LayerIndex index, String path) {
    for (int i = 0; i < index.size(); i++) {
      if (index.header(i).path().equals(path)) {
        return i;
      }
    }
    throw new AssertionError(path);
  }

  private static String text(LayerEntry e) throws IOException {
    try (InputStream in = e.content().open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
