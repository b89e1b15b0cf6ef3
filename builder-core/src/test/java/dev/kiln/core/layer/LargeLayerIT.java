package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming: a 256 MiB entry goes through tar, gzip, the content store and back in a JVM whose heap
 * is 24 MiB, so nothing on the way may hold the layer in memory (ten times the heap makes the point
 * as well as forty did, in a quarter of the time). Real gzip then checks the blob.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class LargeLayerIT {
  private static final long SIZE = 256L << 20;
  @TempDir Path dir;

  @Test
  void aLayerFarLargerThanTheHeapIsWrittenAndReadAsAStream() throws Exception {
    Path store = dir.resolve("store");
    Path log = dir.resolve("child.log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m",
                "-cp",
                System.getProperty("java.class.path"),
                LargeLayerMain.class.getName(),
                store.toString(),
                Long.toString(SIZE))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertTrue(child.waitFor(14, TimeUnit.MINUTES), "child did not finish");
    String output = Files.readString(log).strip();
    assertEquals(0, child.exitValue(), output);

    String[] result = output.split(" ");
    String blob =
        store.resolve("blobs/sha256/" + result[0].substring("sha256:".length())).toString();
    String tarSha =
        Commands.shell(dir, "gzip -t " + blob + " && gzip -dc " + blob + " | sha256sum");
    assertEquals(result[1], "sha256:" + tarSha.split(" ")[0]);
    assertTrue(Long.parseLong(result[2]) > SIZE);
  }
}
