package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.LayerRecord;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerWriterTest {
  @TempDir Path dir;

  private record Bytes(byte[] bytes, WrittenLayer layer) {}

  private static Bytes write(List<LayerEntry> entries, LayerOptions options) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WrittenLayer layer = LayerWriter.writeTo(out, entries, options);
    return new Bytes(out.toByteArray(), layer);
  }

  private static List<LayerEntry> sorted(List<LayerEntry> entries) {
    return new LayerTree().addAll(entries).entries();
  }

  @Test
  void sameEntriesInAnyInputOrderGiveIdenticalBytesForEveryCompression() throws IOException {
    Random random = new Random(7);
    for (Compression compression : Compression.values()) {
      LayerOptions options = LayerOptions.defaults().withCompression(compression);
      Bytes first = write(sorted(SampleEntries.everything()), options);
      for (int round = 0; round < 5; round++) {
        List<LayerEntry> shuffled = new ArrayList<>(SampleEntries.everything());
        Collections.shuffle(shuffled, random);
        Bytes again = write(sorted(shuffled), options);
        assertArrayEquals(first.bytes(), again.bytes(), compression + " round " + round);
        assertEquals(first.layer(), again.layer());
      }
      assertEquals(Digest.sha256(first.bytes()), first.layer().digest());
      assertEquals(first.bytes().length, first.layer().size());
      assertEquals(compression.mediaType(), first.layer().mediaType());
    }
  }

  @Test
  void diffIdIsTheSha256OfTheUncompressedTarWhateverTheCompression() throws IOException {
    Bytes plain =
        write(
            sorted(SampleEntries.everything()),
            LayerOptions.defaults().withCompression(Compression.NONE));
    assertEquals(Digest.sha256(plain.bytes()), plain.layer().diffId());
    assertEquals(plain.layer().digest(), plain.layer().diffId());
    Bytes gzip = write(sorted(SampleEntries.everything()), LayerOptions.defaults());
    assertEquals(plain.layer().diffId(), gzip.layer().diffId());
    assertEquals(plain.bytes().length, gzip.layer().uncompressedSize());
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.bytes()))) {
      assertArrayEquals(plain.bytes(), in.readAllBytes());
    }
    Bytes zstd =
        write(
            sorted(SampleEntries.everything()),
            LayerOptions.defaults().withCompression(Compression.ZSTD));
    assertEquals(plain.layer().diffId(), zstd.layer().diffId());
  }

  @Test
  void sourceDateEpochClampsNewerTimesSoDifferentMtimesGiveTheSameLayer() throws IOException {
    long epoch = 1_600_000_000L;
    LayerOptions options = LayerOptions.defaults().withSourceDateEpoch(epoch);
    List<LayerEntry> now = sorted(SampleEntries.everything());
    List<LayerEntry> later = now.stream().map(e -> e.withMtime(e.mtime() + 86_400 * 365)).toList();

    assertArrayEquals(write(now, options).bytes(), write(later, options).bytes());
    assertFalse(
        java.util.Arrays.equals(
            write(now, LayerOptions.defaults()).bytes(),
            write(later, LayerOptions.defaults()).bytes()),
        "without the clamp the mtimes must show");

    // Older files keep their time: it is a clamp, not a reset.
    List<LayerEntry> old = List.of(LayerEntry.regularFile("f", 0644, 0, 0, 1000, new byte[] {1}));
    try (LayerReader reader =
        LayerReader.open(new ByteArrayInputStream(write(old, options).bytes()))) {
      assertEquals(1000, reader.next().orElseThrow().mtime());
    }
    List<LayerEntry> young = List.of(old.get(0).withMtime(epoch + 5));
    try (LayerReader reader =
        LayerReader.open(new ByteArrayInputStream(write(young, options).bytes()))) {
      assertEquals(epoch, reader.next().orElseThrow().mtime());
    }
  }

  @Test
  void gzipBytesDoNotDependOnTheNumberOfThreads() throws IOException {
    // Several compression blocks of text-like data, so matches reach across block boundaries.
    byte[] content = TextLikeContent.generate(3 * ParallelGzipOutputStream.BLOCK_SIZE + 12345, 3);
    List<LayerEntry> entries = List.of(LayerEntry.regularFile("data", 0644, 0, 0, 0, content));
    Bytes one = write(entries, LayerOptions.defaults().withThreads(1));
    for (int threads : new int[] {2, 3, 8}) {
      assertArrayEquals(
          one.bytes(), write(entries, LayerOptions.defaults().withThreads(threads)).bytes());
    }
    assertTrue(one.bytes().length < content.length / 3, "text-like data must compress");
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(one.bytes()))) {
      assertEquals(
          write(entries, LayerOptions.defaults().withCompression(Compression.NONE))
              .layer()
              .diffId(),
          Digest.sha256(in.readAllBytes()));
    }
  }

  @Test
  void gzipIsOneMemberWithAFixedHeader() throws Exception {
    byte[] gz = write(sorted(SampleEntries.everything()), LayerOptions.defaults()).bytes();
    assertArrayEquals(
        new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff},
        java.util.Arrays.copyOf(gz, 10),
        "no name, no mtime, no extra flags, OS unknown");
    Inflater inflater = new Inflater(true);
    inflater.setInput(gz, 10, gz.length - 10);
    byte[] sink = new byte[1 << 16];
    while (!inflater.finished()) {
      inflater.inflate(sink);
    }
    assertEquals(8, inflater.getRemaining(), "only the CRC and size follow the deflate stream");
    inflater.end();
  }

  @Test
  void entriesOutOfOrderOrHardlinksForwardAreRefused() {
    LayerEntry a = LayerEntry.regularFile("a", 0644, 0, 0, 0, new byte[0]);
    LayerEntry b = LayerEntry.regularFile("b", 0644, 0, 0, 0, new byte[0]);
    var order =
        assertThrows(
            IllegalArgumentException.class, () -> write(List.of(b, a), LayerOptions.defaults()));
    assertTrue(order.getMessage().contains("canonical order"), order.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> write(List.of(a, a), LayerOptions.defaults()));
    LayerEntry link = LayerEntry.hardlink("0link", "a", 0644, 0, 0, 0);
    var forward =
        assertThrows(
            IllegalArgumentException.class, () -> write(List.of(link, a), LayerOptions.defaults()));
    assertTrue(forward.getMessage().contains("0link"), forward.getMessage());
  }

  @Test
  void contentThatIsShorterOrLongerThanAnnouncedFails() {
    LayerEntry shorter =
        LayerEntry.regularFile("f", 0644, 0, 0, 0, 10, ContentSource.ofBytes(new byte[5]));
    var e = assertThrows(IOException.class, () -> write(List.of(shorter), LayerOptions.defaults()));
    assertTrue(e.getMessage().contains("5 of 10"), e.getMessage());
    LayerEntry longer =
        LayerEntry.regularFile("f", 0644, 0, 0, 0, 10, ContentSource.ofBytes(new byte[11]));
    assertThrows(IOException.class, () -> write(List.of(longer), LayerOptions.defaults()));
  }

  @Test
  void writingIntoTheStoreRecordsTheBlobAndAnIdenticalLayerIsNotCompressedAgain() throws Exception {
    ContentStore store = ContentStore.open(dir.resolve("store"));
    List<LayerEntry> entries = sorted(SampleEntries.everything());
    WrittenLayer first = new LayerWriter(store, LayerOptions.defaults()).write(entries);
    assertFalse(first.reused());
    assertTrue(store.blobReader().contains(first.digest()));
    assertEquals(first, write(entries, LayerOptions.defaults()).layer());
    assertEquals(
        first.digest(), store.layerRecords().find(first.diffId(), "gzip").orElseThrow().digest());

    int[] opens = {0};
    List<LayerEntry> counting =
        entries.stream()
            .map(
                e ->
                    e.type() == EntryType.REGULAR
                        ? e.withContent(
                            e.size(),
                            () -> {
                              opens[0]++;
                              return e.content().open();
                            })
                        : e)
            .toList();
    WrittenLayer again = new LayerWriter(store, LayerOptions.defaults()).write(counting);
    assertTrue(again.reused());
    assertEquals(first.digest(), again.digest());
    long files = entries.stream().filter(e -> e.type() == EntryType.REGULAR).count();
    assertEquals(files, opens[0], "content was read once, for the diffID, and never compressed");
  }

  @Test
  void aBlobRecordedForTheDiffIdWinsOverFreshlyCompressedBytes() throws Exception {
    ContentStore store = ContentStore.open(dir.resolve("store"));
    List<LayerEntry> entries = sorted(SampleEntries.everything());
    // A level-1 blob recorded as plain gzip stands for "what another host's zlib produced" for
    // the same tar, at the same (default) level.
    WrittenLayer other =
        new LayerWriter(store, LayerOptions.defaults().withLevel(1)).write(entries);
    store
        .layerRecords()
        .put(
            new LayerRecord(
                other.diffId(),
                "gzip",
                other.digest(),
                other.size(),
                other.mediaType(),
                other.uncompressedSize()));
    WrittenLayer mine =
        new LayerWriter(store, LayerOptions.defaults().withHashBeforeCompressing(false))
            .write(entries);
    assertTrue(mine.reused());
    assertEquals(other.digest(), mine.digest());
    Bytes level6 = write(entries, LayerOptions.defaults());
    assertNotEquals(other.digest(), level6.layer().digest(), "the levels must really differ");
    assertFalse(
        store.blobReader().contains(level6.layer().digest()), "the unused blob was discarded");
    try (Stream<Path> files = Files.list(store.paths().blobDirectory("sha256"))) {
      assertEquals(1, files.count());
    }
    // A different compression kind has its own record.
    WrittenLayer zstd =
        new LayerWriter(store, LayerOptions.defaults().withCompression(Compression.ZSTD))
            .write(entries);
    assertFalse(zstd.reused());
    assertEquals(Compression.ZSTD.mediaType(), zstd.mediaType());
  }
}
