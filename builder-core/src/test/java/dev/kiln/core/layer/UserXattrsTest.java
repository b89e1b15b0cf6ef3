package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK's reach into extended attributes: user.* of regular files and directories only. */
class UserXattrsTest {
  @TempDir Path dir;

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void setReadAndRemoveUseFullNamesAndExactBytes() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    byte[] binary = {0, 1, (byte) 0xff, '\n'};
    UserXattrs.set(file, "user.binary", binary);
    UserXattrs.set(file, "user.empty", new byte[0]);

    Map<String, byte[]> read = UserXattrs.read(file);
    assertEquals(
        java.util.List.of("user.binary", "user.empty"), java.util.List.copyOf(read.keySet()));
    assertArrayEquals(binary, read.get("user.binary"));
    assertArrayEquals(new byte[0], read.get("user.empty"));

    UserXattrs.remove(file, "user.binary");
    UserXattrs.remove(file, "user.absent");
    assertEquals(java.util.Set.of("user.empty"), UserXattrs.read(file).keySet());
  }

  @Test
  void onlyUserNamesAreReached() {
    assertTrue(UserXattrs.reaches("user.overlay.opaque"));
    assertFalse(UserXattrs.reaches("security.capability"));
    assertFalse(UserXattrs.reaches("trusted.overlay.opaque"));
    assertFalse(UserXattrs.reaches("user."));
    assertThrows(
        IllegalArgumentException.class,
        () -> UserXattrs.set(dir, "security.capability", bytes("x")));
  }

  @Test
  void aTreeListsFilesAndDirectoriesWithAttributesAndNeverOpensAFifo() throws Exception {
    Path sub = Files.createDirectories(dir.resolve("a/b"));
    Path file = Files.writeString(sub.resolve("f"), "x");
    Files.writeString(sub.resolve("plain"), "y");
    UserXattrs.set(sub, "user.dir", bytes("d"));
    UserXattrs.set(file, "user.file", bytes("f"));
    Files.createSymbolicLink(dir.resolve("link"), file);
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0);

    Map<String, Map<String, byte[]>> tree =
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> UserXattrs.readTree(dir));

    assertEquals(
        java.util.Set.of(sub.toAbsolutePath().toString(), file.toAbsolutePath().toString()),
        tree.keySet());
    assertArrayEquals(bytes("d"), tree.get(sub.toAbsolutePath().toString()).get("user.dir"));
    assertEquals(Map.of(), UserXattrs.read(dir.resolve("fifo")));
    assertEquals(Map.of(), UserXattrs.read(dir.resolve("link")));
  }
}
