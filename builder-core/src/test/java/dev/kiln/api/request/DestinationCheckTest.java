package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which destinations pass before a build, and what the refusals say. */
class DestinationCheckTest {
  @TempDir Path dir;

  @Test
  void placesThatDoNotExistYetPassWhenTheirClosestDirectoryIsWritable() throws IOException {
    assertDoesNotThrow(() -> DestinationCheck.store(dir.resolve("a/b/store")));
    assertDoesNotThrow(
        () -> DestinationCheck.output(OutputSpecParser.parse("type=oci,dest=" + dir + "/x/i.tar")));
    assertDoesNotThrow(() -> DestinationCheck.output(OutputSpecParser.parse("-")));
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(0, left.count(), "the check creates nothing and leaves no probe file");
    }
  }

  @Test
  void aFileWhereADirectoryIsNeededAndTheReverseAreRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("file"), "x");
    RequestException store =
        assertThrows(RequestException.class, () -> DestinationCheck.store(file.resolve("store")));
    assertEquals(
        "kiln's store " + file.resolve("store") + ": " + file + " is not a directory",
        store.getMessage());
    RequestException iid =
        assertThrows(RequestException.class, () -> DestinationCheck.file("--iidfile", dir));
    assertEquals("--iidfile " + dir + " is a directory", iid.getMessage());
  }

  @Test
  void aPlaceThatTakesNoNewFilesIsRefusedWithTheSystemsReason() {
    RequestException proc =
        assertThrows(
            RequestException.class,
            () -> DestinationCheck.output(OutputSpecParser.parse("type=tar,dest=/proc/x.tar")));
    assertTrue(
        proc.getMessage().startsWith("--output type=tar dest /proc/x.tar: cannot create files in"),
        proc.getMessage());
  }
}
