package dev.kiln.core.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which failures name which path, and what they say. */
class FileSystemFailuresTest {
  private static final Path STORE = Path.of("/var/cache/kiln");

  @Test
  void aFullDiskThatNamedNoPathIsThePlacesBeingWritten() {
    IOException bare = new IOException("No space left on device");
    IOException located = FileSystemFailures.within(STORE, bare);
    FileSystemException f = (FileSystemException) located;
    assertEquals("/var/cache/kiln: No space left on device", FileSystemFailures.describe(f));
    assertSame(bare, f.getCause());
    assertTrue(FileSystemFailures.isDiskFull(f));
  }

  @Test
  void aPathInsideThePlaceIsReportedAsThePlace() {
    FileSystemException temp =
        new FileSystemException("/var/cache/kiln/tmp/build-1/x.tmp", null, "Read-only file system");
    FileSystemException f = (FileSystemException) FileSystemFailures.within(STORE, temp);
    assertEquals("/var/cache/kiln: Read-only file system", FileSystemFailures.describe(f));
    assertTrue(FileSystemFailures.hint(f).contains("read-only"), FileSystemFailures.hint(f));
  }

  @Test
  void otherFailuresKeepTheirOwnPathOrStayUnchanged() {
    NoSuchFileException elsewhere = new NoSuchFileException("/home/me/context/a.txt");
    assertSame(elsewhere, FileSystemFailures.within(STORE, elsewhere));
    assertEquals(
        "/home/me/context/a.txt: No such file or directory",
        FileSystemFailures.describe(elsewhere));
    IOException reset = new IOException("Connection reset");
    assertSame(reset, FileSystemFailures.within(STORE, reset));
    assertFalse(FileSystemFailures.isDiskFull(reset));
    // A registry that ran out of space answers with its own error; kiln's store is fine.
    RegistryException registryFull =
        new RegistryException("pushing blob", "No space left on device", null);
    assertSame(registryFull, FileSystemFailures.within(STORE, registryFull));
  }

  @Test
  void aQuotaCountsAsAFullDisk() {
    assertTrue(
        FileSystemFailures.isDiskFull(
            new IOException("x", new IOException("Disk quota exceeded"))));
  }
}
