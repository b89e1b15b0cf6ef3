package dev.kiln.core.checksum;

import static dev.kiln.core.checksum.Contexts.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.step.SourceFileException;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fresh context is hashed on several threads, with the same checksums and errors as on one. */
class ContentPrefetchTest {
  @TempDir Path ctx;

  private static final String BIG = "x".repeat((int) ContentPrefetch.MIN_BYTES);

  private TreeChecksummer checksummer(ContentReader reader, int threads) throws IOException {
    DirectoryTree tree =
        DirectoryTree.context(
            ctx,
            PatternMatcher.of(List.of()),
            StatMemo.inMemory(),
            reader,
            CapabilityReader.NONE,
            Contexts.LATER);
    return new TreeChecksummer(tree, new ContentPrefetch(tree, threads));
  }

  /** Opens files only once two are open at the same time (or after a timeout), and counts opens. */
  private static final class MeetingReader implements ContentReader {
    final CountDownLatch bothOpen = new CountDownLatch(2);
    final AtomicInteger opens = new AtomicInteger();
    final AtomicInteger aloneTooLong = new AtomicInteger();

    @Override
    public InputStream open(Path file) throws IOException {
      opens.incrementAndGet();
      bothOpen.countDown();
      try {
        if (!bothOpen.await(3, TimeUnit.SECONDS)) {
          aloneTooLong.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Files.newInputStream(file);
    }
  }

  @Test
  void twoFilesAreReadAtTheSameTimeAndEachOnlyOnce() throws IOException {
    file(ctx, "a/one", BIG);
    file(ctx, "b/two", BIG + "y");
    MeetingReader reader = new MeetingReader();
    Digest parallel = checksummer(reader, 2).checksum("");
    assertEquals(0, reader.aloneTooLong.get(), "the two files were never open at once");
    assertEquals(2, reader.opens.get(), "a prefetched file was read again by the walk");
    assertEquals(parallel, checksummer(ContentReader.FILES, 1).checksum(""));
  }

  @Test
  void aSmallContextStaysOnTheCallingThread() throws IOException {
    file(ctx, "one", "1");
    file(ctx, "two", "2");
    AtomicInteger otherThreads = new AtomicInteger();
    Thread caller = Thread.currentThread();
    ContentReader reader =
        f -> {
          if (Thread.currentThread() != caller) {
            otherThreads.incrementAndGet();
          }
          return Files.newInputStream(f);
        };
    checksummer(reader, 2).checksum("");
    assertEquals(0, otherThreads.get());
  }

  @Test
  void anUnreadableFileFailsAsItDoesWithoutThePrefetch() throws IOException {
    file(ctx, "a", BIG);
    file(ctx, "b", BIG);
    file(ctx, "c", BIG);
    ContentReader refusesB =
        f -> {
          if (f.getFileName().toString().equals("b")) {
            throw new AccessDeniedException(f.toString());
          }
          return Files.newInputStream(f);
        };
    SourceFileException parallel =
        assertThrows(SourceFileException.class, () -> checksummer(refusesB, 2).checksum(""));
    SourceFileException serial =
        assertThrows(SourceFileException.class, () -> checksummer(refusesB, 1).checksum(""));
    assertEquals(serial.getMessage(), parallel.getMessage());
    assertTrue(parallel.getMessage().contains("b"), parallel.getMessage());
  }
}
