package dev.kiln.core.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LayerBytesTest {
  @Test
  void readAllReadsAPackedLayerOnceWhateverTheOrderAndHowMuchEachReaderTakes() throws IOException {
    TestLayer layer =
        TestLayer.of(
            TestLayer.E.file("a.txt", "first"),
            TestLayer.E.file("b.txt", "second file"),
            TestLayer.E.file("c.txt", "third"));
    LayerIndex index = layer.index();
    AtomicInteger opened = new AtomicInteger();
    LayerBytes bytes =
        new LayerBytes(
            layer.ref(),
            d -> {
              opened.incrementAndGet();
              return new ByteArrayInputStream(layer.tar());
            },
            Optional::empty);
    // c before a, and b read only in part: the pass must still find c's bytes after b's.
    int[] which = {2, 0, 1};
    long[] offsets = new long[which.length];
    long[] sizes = new long[which.length];
    for (int i = 0; i < which.length; i++) {
      offsets[i] = index.dataOffset(which[i]);
      sizes[i] = index.header(which[i]).size();
    }
    List<String> read = new ArrayList<>(List.of("", "", ""));
    bytes.readAll(
        offsets,
        sizes,
        (i, in) ->
            read.set(i, new String(in.readNBytes(i == 2 ? 3 : 100), StandardCharsets.UTF_8)));
    assertEquals(List.of("third", "first", "sec"), read);
    assertEquals(1, opened.get(), "one decompression of the layer for all its files");
  }

  @Test
  void theSameBytesTwiceAreReadAgainOnTheirOwn() throws IOException {
    TestLayer layer = TestLayer.of(TestLayer.E.file("a.txt", "shared"));
    LayerIndex index = layer.index();
    long offset = index.dataOffset(0);
    List<String> read = new ArrayList<>();
    new LayerBytes(layer.ref(), layer.blobs(), Optional::empty)
        .readAll(
            new long[] {offset, offset},
            new long[] {6, 6},
            (i, in) -> read.add(i + new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    assertEquals(List.of("0shared", "1shared"), read);
  }
}
