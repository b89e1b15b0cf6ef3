package dev.kiln.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.BlobVerificationException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreFirstBlobSourceTest {
  @TempDir Path tmp;

  private static byte[] content() {
    byte[] bytes = new byte[300_000];
    new Random(7).nextBytes(bytes);
    return bytes;
  }

  private static Descriptor descriptorOf(byte[] bytes) {
    return Descriptor.of(MediaType.OCI_LAYER, Digest.sha256(bytes), bytes.length);
  }

  @Test
  void aStreamingReaderGetsTheBlobAsItArrivesAndTheStoreKeepsAllOfIt() throws IOException {
    byte[] bytes = content();
    Descriptor descriptor = descriptorOf(bytes);
    ContentStore store = ContentStore.open(tmp.resolve("store"));
    AtomicInteger opened = new AtomicInteger();
    BlobSource origin =
        d -> {
          opened.incrementAndGet();
          return new ByteArrayInputStream(bytes);
        };
    BlobSource source = StoreFirstBlobSource.streaming(store, origin);

    byte[] head;
    try (InputStream in = source.open(descriptor)) {
      assertFalse(store.blobReader().contains(descriptor.digest()), "not before it is checked");
      in.skip(1000);
      head = in.readNBytes(100);
    }

    assertArrayEquals(java.util.Arrays.copyOfRange(bytes, 1000, 1100), head);
    assertTrue(store.blobReader().contains(descriptor.digest()), "the rest was read at close");
    try (InputStream again = source.open(descriptor)) {
      assertArrayEquals(bytes, again.readAllBytes());
    }
    assertEquals(1, opened.get(), "the origin is read once");
  }

  @Test
  void aBlobThatIsNotWhatItsDescriptorSaysFailsAtCloseAndIsNotStored() throws IOException {
    byte[] bytes = content();
    Descriptor descriptor = descriptorOf(bytes);
    byte[] damaged = bytes.clone();
    damaged[12345] ^= 1;
    ContentStore store = ContentStore.open(tmp.resolve("store"));
    BlobSource source =
        StoreFirstBlobSource.streaming(store, d -> new ByteArrayInputStream(damaged));

    InputStream in = source.open(descriptor);
    in.readAllBytes();
    assertThrows(BlobVerificationException.class, in::close);

    assertFalse(store.blobReader().contains(descriptor.digest()));
    assertNoTempFiles(store);
  }

  @Test
  void aFailedDownloadLeavesNothingInTheStore() throws IOException {
    byte[] bytes = content();
    Descriptor descriptor = descriptorOf(bytes);
    ContentStore store = ContentStore.open(tmp.resolve("store"));
    BlobSource source =
        StoreFirstBlobSource.streaming(
            store,
            d ->
                new InputStream() {
                  int left = 5000;

                  @Override
                  public int read() throws IOException {
                    if (left-- <= 0) {
                      throw new IOException("connection reset");
                    }
                    return 1;
                  }
                });

    InputStream in = source.open(descriptor);
    assertThrows(IOException.class, in::readAllBytes);
    in.close();

    assertFalse(store.blobReader().contains(descriptor.digest()));
    assertNoTempFiles(store);
  }

  /** An origin whose own stream must not be used when the store checks what it writes. */
  private static BlobSource checkedByTheStore(byte[] served) {
    return new BlobSource() {
      @Override
      public InputStream open(Descriptor descriptor) {
        throw new AssertionError("the origin's own verified stream hashes the bytes a second time");
      }

      @Override
      public InputStream openForVerifyingWriter(Descriptor descriptor) {
        return new ByteArrayInputStream(served);
      }
    };
  }

  @Test
  void theStoreChecksWhatItFetchesSoTheOriginDoesNotHashItToo() throws IOException {
    byte[] bytes = content();
    Descriptor descriptor = descriptorOf(bytes);
    ContentStore store = ContentStore.open(tmp.resolve("store"));

    try (InputStream in =
        new StoreFirstBlobSource(store, checkedByTheStore(bytes)).open(descriptor)) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
    ContentStore other = ContentStore.open(tmp.resolve("other"));
    try (InputStream in =
        StoreFirstBlobSource.streaming(other, checkedByTheStore(bytes)).open(descriptor)) {
      assertArrayEquals(bytes, in.readAllBytes());
    }
    assertTrue(other.blobReader().contains(descriptor.digest()));
  }

  @Test
  void wrongBytesFromAnOriginThatLeavesTheCheckToTheStoreAreNeverStored() throws IOException {
    byte[] bytes = content();
    Descriptor descriptor = descriptorOf(bytes);
    byte[] damaged = bytes.clone();
    damaged[54321] ^= 1;
    ContentStore store = ContentStore.open(tmp.resolve("store"));
    StoreFirstBlobSource source = new StoreFirstBlobSource(store, checkedByTheStore(damaged));

    assertThrows(BlobVerificationException.class, () -> source.open(descriptor));
    assertThrows(BlobVerificationException.class, () -> source.fetchedFile(descriptor));

    assertFalse(store.blobReader().contains(descriptor.digest()));
    assertNoTempFiles(store);
  }

  @Test
  void aFetchedFileIsTheStoredBlobFetchedOnce() throws IOException {
    byte[] bytes = content();
    Descriptor descriptor = descriptorOf(bytes);
    ContentStore store = ContentStore.open(tmp.resolve("store"));
    AtomicInteger opened = new AtomicInteger();
    BlobSource origin =
        d -> {
          opened.incrementAndGet();
          return new ByteArrayInputStream(bytes);
        };
    StoreFirstBlobSource source = new StoreFirstBlobSource(store, origin);

    Path file = source.fetchedFile(descriptor).orElseThrow();
    assertEquals(store.paths().blob(descriptor.digest()), file);
    assertArrayEquals(bytes, Files.readAllBytes(file));
    assertEquals(file, source.fetchedFile(descriptor).orElseThrow());
    assertEquals(1, opened.get(), "fetched once");
  }

  private static void assertNoTempFiles(ContentStore store) throws IOException {
    try (Stream<Path> files = Files.walk(store.paths().root().resolve("blobs"))) {
      assertEquals(0, files.filter(Files::isRegularFile).count(), "no temp file left");
    }
  }
}
