package dev.kiln.core.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.ContentSource;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.layer.LayerWriter;
import dev.kiln.core.layer.WrittenLayer;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.testdata.ResourceBound;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

  /** An index file: the header, then {@code body} writes the entries, then the count again. */
  private static byte[] indexFile(int count, IndexBody body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeUTF("kiln-layer-index-1");
    out.writeInt(count);
    body.write(out);
    out.writeInt(count);
    return bytes.toByteArray();
  }

  @FunctionalInterface
  private interface IndexBody {
    void write(DataOutputStream out) throws IOException;
  }

  /** One regular file entry of the file form, with {@code xattrs} attributes of these lengths. */
  private static void fileEntry(DataOutputStream out, String path, long offset, int... xattrs)
      throws IOException {
    out.writeUTF(path);
    out.writeUTF("REGULAR");
    out.writeInt(0644);
    out.writeLong(0);
    out.writeLong(0);
    out.writeLong(0);
    out.writeLong(0);
    out.writeUTF("");
    out.writeInt(0);
    out.writeInt(0);
    out.writeInt(xattrs.length);
    for (int i = 0; i < xattrs.length; i++) {
      out.writeUTF("user.x" + i);
      out.writeInt(xattrs[i]);
    }
    out.writeLong(offset);
  }

  /** The exception reading {@code file} ends in, within a small time and memory bound. */
  private static IOException damaged(byte[] file) {
    return ResourceBound.within(
        Duration.ofSeconds(10),
        16L << 20,
        () ->
            assertThrows(IOException.class, () -> LayerIndex.read(new ByteArrayInputStream(file))));
  }

  @Test
  void aDamagedIndexIsAnIOExceptionWhateverItsCountsClaim() throws IOException {
    // Before, each of these allocated what the count said (OutOfMemoryError) or threw a
    // NegativeArraySizeException, which the store did not take for a damaged index.
    damaged(indexFile(Integer.MAX_VALUE, out -> fileEntry(out, "a", 0)));
    damaged(indexFile(1, out -> fileEntry(out, "a", 0, Integer.MAX_VALUE)));
    assertEquals(
        "damaged layer index: an attribute of -1 bytes",
        damaged(indexFile(1, out -> fileEntry(out, "a", 0, -1))).getMessage());
    assertEquals(
        "damaged layer index: data offset -5",
        damaged(indexFile(1, out -> fileEntry(out, "a", -5))).getMessage());
    assertEquals("damaged layer index: -3 entries", damaged(indexFile(-3, out -> {})).getMessage());
  }

  @Test
  void anIndexIsCheckedAsTheLayerItComesFromIs() throws IOException {
    // A whiteout with an empty name is refused when a layer is indexed; a stored index holding one
    // is damaged, not trusted.
    IOException e = damaged(indexFile(1, out -> fileEntry(out, "dir/.wh.", 0)));
    assertTrue(e.getMessage().contains("whiteout with an empty name"), e.getMessage());
  }
}
