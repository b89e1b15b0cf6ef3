package dev.kiln.cli.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training workload the launcher's class-data archive is recorded from must really go through
 * the registry path: if its in-process registry stopped serving the base or taking the push, the
 * archive would silently lose those classes again.
 */
class DebugTrainCommandTest {
  @TempDir Path dir;

  @Test
  void buildsFromTheTrainingRegistryPushesAndPullsWithEachCommand() throws Exception {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = Main.run("debug", "train", dir.toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, stderr);
    assertEquals("", stderr);
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    // Each run's result: the three builds' digests, the pushed reference, the pulled digest and
    // the reference the push of the pulled layout printed.
    assertEquals(6, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("sha256:[0-9a-f]{64}"), lines.toString());
    assertTrue(lines.get(1).matches("sha256:[0-9a-f]{64}"), lines.toString());
    assertEquals(lines.get(0), lines.get(2), "the no-change rebuild makes the first image again");
    assertTrue(
        lines.get(3).matches("127\\.0\\.0\\.1:\\d+/kiln/train-push@" + lines.get(0)),
        "kiln push of the first image: " + lines.get(3));
    assertEquals(lines.get(1), lines.get(4), "kiln pull of the image the second build pushed");
    assertTrue(lines.get(5).endsWith("/kiln/train-copy@" + lines.get(4)), lines.get(5));
    assertTrue(Files.size(dir.resolve("out.tar")) > 0);
    assertTrue(Files.isDirectory(dir.resolve("pulled/blobs/sha256")));
  }

  @Test
  void theTrainingDockerfileStartsFromTheRegistryItServes() {
    String dockerfile = DebugTrainCommand.dockerfile("127.0.0.1:5000");
    assertTrue(
        dockerfile.startsWith("FROM 127.0.0.1:5000/" + TrainingRegistry.BASE + " AS base\n"),
        dockerfile);
  }
}
