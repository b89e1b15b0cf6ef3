package dev.kiln.core.checksum;

import static dev.kiln.core.checksum.Contexts.checksummer;
import static dev.kiln.core.checksum.Contexts.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.core.layer.EntryType;
import dev.kiln.registry.model.Digest;
import dev.kiln.testdata.files.SpecialFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cache keys over a context holding a FIFO, a socket and a device: taken without opening any of
 * them (a FIFO would block the build forever), and keyed as what COPY makes of them.
 */
class SpecialFilesChecksumTest {
  private static final Duration QUICKLY = Duration.ofSeconds(10);

  @TempDir Path ctx;

  @BeforeEach
  void context() throws IOException {
    file(ctx, "a.txt", "alpha\n");
    SpecialFiles.fifo(ctx.resolve("fifo"), 0640);
    SpecialFiles.socket(ctx.resolve("sock"), 0750);
  }

  @AfterEach
  void releaseBlockedReaders() {
    SpecialFiles.releaseReaders(ctx.resolve("fifo"));
  }

  private Digest sum(String path) {
    return assertTimeoutPreemptively(
        QUICKLY, () -> checksummer(ctx).checksum(path), "the checksum opened a special file");
  }

  @Test
  void theWholeContextIsKeyedWithoutOpeningTheFifoOrTheSocket() throws IOException {
    Contexts.CountingReader reader = new Contexts.CountingReader();
    TreeChecksummer tree = checksummer(ctx, StatMemo.inMemory(), reader);
    assertTimeoutPreemptively(QUICKLY, () -> tree.select(List.of(".")));
    assertEquals(1, reader.opened.get(), "only a.txt is read");
    assertEquals(EntryType.FIFO, tree.tree().stat("fifo").orElseThrow().type());
    assertTimeoutPreemptively(QUICKLY, () -> tree.select(List.of("fifo")));
  }

  @Test
  void aSocketIsKeyedAsTheEmptyFileItIsCopiedAs() throws IOException {
    Path empty = Files.createFile(ctx.resolve("empty"));
    Files.setAttribute(empty, "unix:mode", 0750);
    assertEquals(sum("empty"), sum("sock"));
    Files.setAttribute(empty, "unix:mode", 0755);
    assertNotEquals(sum("empty"), sum("sock"), "the socket's mode counts");
  }

  @Test
  void aFifosModeCountsAndItIsNotAnEmptyFile() throws IOException {
    Digest before = sum("fifo");
    Files.setAttribute(ctx.resolve("fifo"), "unix:mode", 0600);
    assertNotEquals(before, sum("fifo"));
    Path empty = Files.createFile(ctx.resolve("empty"));
    Files.setAttribute(empty, "unix:mode", 0600);
    assertNotEquals(sum("empty"), sum("fifo"));
  }

  @Test
  void aDevicesNumbersCount() throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")), "mknod needs root");
    SpecialFiles.charDevice(ctx.resolve("dev"), 1, 3, 0600);
    Digest null13 = sum("dev");
    Files.delete(ctx.resolve("dev"));
    SpecialFiles.charDevice(ctx.resolve("dev"), 1, 5, 0600);
    assertNotEquals(null13, sum("dev"));
  }
}
