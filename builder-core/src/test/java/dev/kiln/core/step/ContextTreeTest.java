package dev.kiln.core.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.core.layer.EntryType;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.testdata.files.SpecialFiles;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build context as COPY reads it, for files that must never be opened: a FIFO (opening it
 * blocks until a writer comes), a unix socket and a device. Each read must finish at once; a
 * regression fails on the timeout instead of hanging the test run.
 */
class ContextTreeTest {
  private static final Duration QUICKLY = Duration.ofSeconds(10);

  @TempDir Path ctx;

  @BeforeEach
  void context() throws IOException {
    Files.writeString(ctx.resolve("a.txt"), "alpha\n");
    SpecialFiles.fifo(ctx.resolve("fifo"), 0640);
    SpecialFiles.socket(ctx.resolve("sock"), 0750);
  }

  /** If a read blocked on the FIFO, the timed-out thread is let go rather than left behind. */
  @AfterEach
  void releaseBlockedReaders() {
    SpecialFiles.releaseReaders(ctx.resolve("fifo"));
  }

  private ContextTree tree() {
    return new ContextTree(ctx, PatternMatcher.of(List.of()));
  }

  private Map<String, SourceFile> walk() {
    return assertTimeoutPreemptively(
        QUICKLY,
        () -> {
          Map<String, SourceFile> files = new LinkedHashMap<>();
          tree().walk("", f -> files.put(f.path(), f));
          return files;
        },
        "reading the context opened a special file");
  }

  @Test
  void aFifoIsCopiedAsAFifoWithoutBeingOpened() throws Exception {
    SourceFile fifo = walk().get("fifo");
    assertEquals(EntryType.FIFO, fifo.type());
    assertEquals(0640, fifo.entry().mode());
    assertEquals(0, fifo.entry().size());
    assertEquals(Map.of(), fifo.entry().xattrs());
    assertEmpty(fifo);

    SourceFile named =
        assertTimeoutPreemptively(QUICKLY, () -> tree().stat("fifo", true).orElseThrow());
    assertEquals(EntryType.FIFO, named.type());
  }

  @Test
  void aSocketIsCopiedAsAnEmptyRegularFileWithItsPermissions() throws Exception {
    // fsutil clears the socket bit (no tar type holds one) and sends no bytes for it.
    SourceFile sock = walk().get("sock");
    assertEquals(EntryType.REGULAR, sock.type());
    assertEquals(0750, sock.entry().mode());
    assertEquals(0, sock.entry().size());
    assertEquals(null, sock.linkGroup());
    assertEmpty(sock);
    assertEquals(
        EntryType.REGULAR,
        assertTimeoutPreemptively(QUICKLY, () -> tree().stat("sock", true).orElseThrow().type()));
  }

  @Test
  void aDeviceIsCopiedAsADeviceWithItsNumbers() throws Exception {
    assumeTrue(isRoot(), "mknod needs root");
    SpecialFiles.charDevice(ctx.resolve("null"), 1, 3, 0666);
    SourceFile device = walk().get("null");
    assertEquals(EntryType.CHAR_DEVICE, device.type());
    assertEquals(1, device.entry().devMajor());
    assertEquals(3, device.entry().devMinor());
    assertEquals(0666, device.entry().mode());
    assertEmpty(device);
  }

  @Test
  void theWalkStillListsEverythingInOrder() {
    List<String> names = new ArrayList<>(walk().keySet());
    assertEquals(List.of("a.txt", "fifo", "sock"), names);
    assertTrue(walk().get("a.txt").entry().size() == 6);
  }

  @Test
  void aNameThatIsNotUtf8IsRefusedNotLeftOutAndAnExcludedOneIsAbsent() throws Exception {
    Files.writeString(Path.of(URI.create(ctx.toUri() + "bad%FF.bin")), "bytes\n");
    SourceFileException e =
        assertThrows(
            SourceFileException.class,
            () -> tree().walk("", f -> {}),
            "a COPY of the directory must not drop it");
    assertEquals(
        "cannot copy \"bad\\xff.bin\" in the build context: its name is not valid UTF-8",
        e.getMessage());

    List<String> names = new ArrayList<>();
    new ContextTree(ctx, PatternMatcher.of(List.of("bad*"))).walk("", f -> names.add(f.path()));
    assertEquals(List.of("a.txt", "fifo", "sock"), names);
  }

  private static void assertEmpty(SourceFile file) throws IOException {
    try (InputStream in = file.content().open()) {
      assertArrayEquals(new byte[0], in.readAllBytes());
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }
}
