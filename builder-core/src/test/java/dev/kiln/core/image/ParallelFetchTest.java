package dev.kiln.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class ParallelFetchTest {
  private static Descriptor blob(String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    return Descriptor.of(MediaType.OCI_LAYER, Digest.sha256(bytes), bytes.length);
  }

  /** A source whose fetches record themselves and run {@code during} while fetching. */
  private static BlobSource fetching(List<Descriptor> fetched, FetchAction during) {
    return new BlobSource() {
      @Override
      public InputStream open(Descriptor descriptor) {
        throw new AssertionError("not read, only fetched");
      }

      @Override
      public Optional<Path> fetchedFile(Descriptor descriptor) throws IOException {
        fetched.add(descriptor);
        during.run(descriptor);
        return Optional.of(Path.of(descriptor.digest().hex()));
      }
    };
  }

  @FunctionalInterface
  private interface FetchAction {
    void run(Descriptor descriptor) throws IOException;
  }

  @Test
  void blobsAreFetchedSideBySideAndEachOnce() throws IOException {
    List<Descriptor> blobs = List.of(blob("a"), blob("b"), blob("c"), blob("a"));
    List<Descriptor> fetched = Collections.synchronizedList(new ArrayList<>());
    // Each fetch waits until three are under way: it finishes only if they run at once.
    CyclicBarrier allThree = new CyclicBarrier(3);
    ParallelFetch.fetchAll(
        fetching(
            fetched,
            d -> {
              try {
                allThree.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                throw new IOException("the fetches did not run side by side", e);
              }
            }),
        blobs);
    assertEquals(3, fetched.size(), "the repeated blob once: " + fetched);
  }

  @Test
  void everyFetchFinishesAndTheFirstFailureIsThrownWithTheOthersSuppressed() {
    List<Descriptor> blobs = List.of(blob("a"), blob("b"), blob("c"));
    List<Descriptor> fetched = Collections.synchronizedList(new ArrayList<>());
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                ParallelFetch.fetchAll(
                    fetching(
                        fetched,
                        d -> {
                          if (!d.equals(blobs.get(1))) {
                            throw new IOException("failed " + d.digest());
                          }
                        }),
                    blobs));
    assertEquals("failed " + blobs.get(0).digest(), e.getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertTrue(e.getSuppressed()[0].getMessage().contains(blobs.get(2).digest().toString()));
    assertEquals(3, fetched.size());
  }
}
