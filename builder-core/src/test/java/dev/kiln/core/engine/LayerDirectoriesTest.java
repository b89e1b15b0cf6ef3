package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.StorePaths;
import dev.kiln.core.fs.LayerIndex;
import dev.kiln.core.fs.LayerIndexStore;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.fs.StackViews;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.layer.LayerWriter;
import dev.kiln.core.layer.WrittenLayer;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.MediaType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerDirectoriesTest {
  @TempDir Path tmp;

  /** A one-file uncompressed layer and its reference. */
  private record Sample(byte[] tar, LayerRef ref) {
    static Sample create() throws Exception {
      return create("a", "ours");
    }

    static Sample create(String name, String content) throws Exception {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      WrittenLayer written =
          LayerWriter.writeTo(
              out,
              List.of(
                  LayerEntry.regularFile(
                      name, 0644, 0, 0, 0, content.getBytes(StandardCharsets.UTF_8))),
              LayerOptions.defaults().withCompression(Compression.NONE));
      byte[] tar = out.toByteArray();
      return new Sample(
          tar,
          new LayerRef(
              Descriptor.of(MediaType.OCI_LAYER, written.digest(), tar.length), written.diffId()));
    }
  }

  /** {@code content} as file "a" of a gzip layer, listed with diffID {@code claimed}. */
  private static LayerRef gzipLayer(String content, java.util.Map<String, byte[]> blobs)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WrittenLayer written =
        LayerWriter.writeTo(
            out,
            List.of(
                LayerEntry.regularFile(
                    "a", 0644, 0, 0, 0, content.getBytes(StandardCharsets.UTF_8))),
            LayerOptions.defaults().withCompression(Compression.GZIP));
    blobs.put(written.digest().toString(), out.toByteArray());
    return new LayerRef(
        Descriptor.of(MediaType.OCI_LAYER_GZIP, written.digest(), out.size()), written.diffId());
  }

  @Test
  void aDirectoryUnpackedFromOneBlobIsNotHandedOutForABlobThatIsNotItsDiffId() throws Exception {
    java.util.Map<String, byte[]> stored = new java.util.HashMap<>();
    LayerRef honest = gzipLayer("ours", stored);
    LayerRef other = gzipLayer("evil", stored);
    // The forgery: the other blob, listed with the honest layer's diffID.
    LayerRef forged = new LayerRef(other.blob(), honest.diffId());
    AtomicInteger opened = new AtomicInteger();
    BlobSource blobs =
        descriptor -> {
          opened.incrementAndGet();
          return new ByteArrayInputStream(stored.get(descriptor.digest().toString()));
        };
    StorePaths store = new StorePaths(tmp.resolve("store"));
    LayerDirectories layers =
        new LayerDirectories(
            tmp.resolve("store/layers"),
            dev.kiln.core.layer.ExtractOptions.overlayLayer(),
            new dev.kiln.core.fs.VerifiedBlobs(store));
    Path dir = layers.get(honest, blobs);
    assertEquals("ours", Files.readString(dir.resolve("a")));

    // Another process (a new VerifiedBlobs) finds the directory and the honest blob's fact.
    LayerDirectories later =
        new LayerDirectories(
            tmp.resolve("store/layers"),
            dev.kiln.core.layer.ExtractOptions.overlayLayer(),
            new dev.kiln.core.fs.VerifiedBlobs(store));
    opened.set(0);
    assertThrows(dev.kiln.core.layer.DiffIdMismatchException.class, () -> later.get(forged, blobs));
    assertEquals(1, opened.get(), "the forged blob was read (in full) once");
    assertTrue(
        new dev.kiln.cache.store.BlobDiffIds(store).find(other.blob().digest()).isEmpty(),
        "no fact for the forged blob");
    assertEquals("ours", Files.readString(later.get(honest, blobs).resolve("a")));
    assertEquals(1, opened.get(), "the honest blob is known: not read again");
  }

  @Test
  void aLayerAnotherProcessPublishedWhileWeUnpackedIsKept() throws Exception {
    Sample sample = Sample.create();
    byte[] tar = sample.tar();
    LayerRef ref = sample.ref();
    Path root = tmp.resolve("layers");
    Path published = root.resolve(ref.diffId().hex());
    BlobSource racing =
        descriptor -> {
          // Another kiln process finishes the same layer between our check and our rename.
          Files.createDirectories(published);
          Files.writeString(published.resolve("a"), "theirs");
          return new ByteArrayInputStream(tar);
        };

    Path dir =
        new LayerDirectories(
                root,
                dev.kiln.core.layer.ExtractOptions.overlayLayer(),
                dev.kiln.core.fs.VerifiedBlobs.inMemory())
            .get(ref, racing);

    assertEquals(published, dir);
    assertEquals("theirs", Files.readString(dir.resolve("a")));
    try (Stream<Path> left = Files.list(root)) {
      // The layer and the marker of its last use (for kiln cache prune); no unpack directory.
      assertEquals(
          List.of(published, root.resolve(published.getFileName() + ".used")),
          left.sorted().toList(),
          "no unpack directory is left behind");
    }
  }

  @Test
  void threadsNeedingTheSameLayerUnpackItOnce() throws Exception {
    Sample sample = Sample.create();
    AtomicInteger opened = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    BlobSource counting =
        descriptor -> {
          opened.incrementAndGet();
          // Hold the first unpack until every other thread is waiting for it (or, if they were
          // not made to wait, has come here too).
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (System.nanoTime() < deadline
              && threads.stream()
                  .filter(t -> t != Thread.currentThread())
                  .anyMatch(t -> t.getState() != Thread.State.BLOCKED && opened.get() == 1)) {
            Thread.onSpinWait();
          }
          return new ByteArrayInputStream(sample.tar());
        };
    LayerDirectories layers =
        new LayerDirectories(
            tmp.resolve("layers"),
            dev.kiln.core.layer.ExtractOptions.overlayLayer(),
            dev.kiln.core.fs.VerifiedBlobs.inMemory());
    for (int i = 0; i < 4; i++) {
      threads.add(
          new Thread(
              () -> {
                try {
                  layers.get(sample.ref(), counting);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(1, opened.get());
    assertEquals(
        "ours",
        Files.readString(tmp.resolve("layers").resolve(sample.ref().diffId().hex()).resolve("a")));
  }

  @Test
  void aLayerARunWillStandOnIsIndexedByUnpackingItInOneRead() throws Exception {
    Sample sample = Sample.create();
    AtomicInteger opened = new AtomicInteger();
    BlobSource counting =
        descriptor -> {
          opened.incrementAndGet();
          return new ByteArrayInputStream(sample.tar());
        };
    LayerDirectories layers =
        new LayerDirectories(
            tmp.resolve("store/layers"),
            dev.kiln.core.layer.ExtractOptions.overlayLayer(),
            dev.kiln.core.fs.VerifiedBlobs.inMemory());
    StackViews views =
        new StackViews(new LayerIndexStore(new StorePaths(tmp.resolve("store"))), layers);

    views.willRunOn(List.of(sample.ref()), counting);
    StackView view = views.of(List.of(sample.ref()), counting);
    assertTrue(view.get("a").isPresent(), "the index is made");
    Path dir = layers.get(sample.ref(), counting);

    assertEquals(1, opened.get(), "one read of the layer for its index and its directory");
    assertEquals("ours", Files.readString(dir.resolve("a")));
    ByteArrayOutputStream made = new ByteArrayOutputStream();
    views.indexes().get(sample.ref(), counting).write(made);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(sample.tar()))) {
      LayerIndex.of(reader).write(expected);
    }
    assertArrayEquals(expected.toByteArray(), made.toByteArray(), "the same index as a read");
    assertArrayEquals(
        expected.toByteArray(),
        Files.readAllBytes(new StorePaths(tmp.resolve("store")).layerIndex(sample.ref().diffId())),
        "kept in the store");
  }

  @Test
  void aLayerNoRunStandsOnIsIndexedWithoutUnpackingIt() throws Exception {
    Sample sample = Sample.create();
    LayerDirectories layers =
        new LayerDirectories(
            tmp.resolve("store/layers"),
            dev.kiln.core.layer.ExtractOptions.overlayLayer(),
            dev.kiln.core.fs.VerifiedBlobs.inMemory());
    StackViews views =
        new StackViews(new LayerIndexStore(new StorePaths(tmp.resolve("store"))), layers);

    StackView view =
        views.of(List.of(sample.ref()), descriptor -> new ByteArrayInputStream(sample.tar()));
    assertTrue(view.get("a").isPresent());

    assertTrue(layers.existing(sample.ref().diffId()).isEmpty(), "nothing unpacked");
  }

  @Test
  void theLayersARunWillStandOnAreUnpackedTogether() throws Exception {
    Sample lower = Sample.create("a", "lower");
    Sample upper = Sample.create("b", "upper");
    CountDownLatch bothOpened = new CountDownLatch(2);
    AtomicInteger opened = new AtomicInteger();
    BlobSource meeting =
        descriptor -> {
          opened.incrementAndGet();
          bothOpened.countDown();
          // Each read waits for the other to start: one after the other, this times out.
          try {
            if (!bothOpened.await(10, TimeUnit.SECONDS)) {
              throw new IOException("the layers were not read at the same time");
            }
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
          return new ByteArrayInputStream(
              descriptor.digest().equals(lower.ref().blob().digest()) ? lower.tar() : upper.tar());
        };
    LayerDirectories layers =
        new LayerDirectories(
            tmp.resolve("store/layers"),
            dev.kiln.core.layer.ExtractOptions.overlayLayer(),
            dev.kiln.core.fs.VerifiedBlobs.inMemory());
    StackViews views =
        new StackViews(new LayerIndexStore(new StorePaths(tmp.resolve("store"))), layers);
    List<LayerRef> both = List.of(lower.ref(), upper.ref());

    views.willRunOn(both, meeting);
    StackView view = views.of(both, meeting);

    assertTrue(view.get("a").isPresent());
    assertTrue(view.get("b").isPresent());
    assertEquals(2, opened.get(), "each layer read once");
    assertEquals("lower", Files.readString(layers.get(lower.ref(), meeting).resolve("a")));
    assertEquals("upper", Files.readString(layers.get(upper.ref(), meeting).resolve("b")));
  }
}
