package dev.kiln.cache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real JVMs share one store: threads inside one JVM cannot show that the OS-level file lock
 * works, nor that rename-based publication is safe between processes.
 */
class ContentStoreConcurrencyIT {
  private static final int ROUNDS = 40;
  @TempDir Path dir;

  @Test
  void twoProcessesWritingTheSameStoreLoseNothingAndCorruptNothing() throws Exception {
    Path root = dir.resolve("store");
    Path go = dir.resolve("go");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> processes = new ArrayList<>();
    for (String name : List.of("p1", "p2")) {
      ProcessBuilder pb =
          new ProcessBuilder(
              javaBin,
              "-cp",
              System.getProperty("java.class.path"),
              StoreRaceMain.class.getName(),
              root.toString(),
              name,
              String.valueOf(ROUNDS),
              go.toString());
      pb.redirectErrorStream(true);
      pb.redirectOutput(dir.resolve(name + ".log").toFile());
      processes.add(pb.start());
    }
    Files.createFile(go);
    for (Process p : processes) {
      assertTrue(p.waitFor(5, TimeUnit.MINUTES), "racing process did not finish");
      assertEquals(
          0,
          p.exitValue(),
          () ->
              "racing process failed:\n"
                  + read(dir.resolve("p" + (processes.indexOf(p) + 1) + ".log")));
    }

    ContentStore store = ContentStore.open(root);
    Set<String> tags = new HashSet<>();
    for (IndexEntry e : store.index().entries()) {
      tags.add(e.refName().orElseThrow());
      store.blobReader().verify(e.digest());
    }
    assertEquals(2 * ROUNDS, tags.size(), "an index update was lost: " + tags);
    for (int i = 0; i < ROUNDS; i++) {
      Digest shared = Digest.sha256(StoreRaceMain.sharedContent(i));
      store.blobReader().verify(shared);
      Digest diffId = Digest.sha256(("diff-" + i).getBytes(StandardCharsets.UTF_8));
      assertEquals(shared, store.layerRecords().find(diffId, "gzip").orElseThrow().digest());
    }
    try (Stream<Path> files = Files.walk(root)) {
      List<Path> temps = files.filter(StorePaths::isTempFile).toList();
      assertEquals(List.of(), temps, "temp files left behind");
    }
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (Exception e) {
      return "(no log: " + e + ")";
    }
  }
}
