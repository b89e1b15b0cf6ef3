package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code kiln version}: what the build stamped, the runtime and the platform. */
class VersionCommandTest {
  private final RecordingEngine engine = new RecordingEngine();

  @Test
  void printsTheStampedVersionCommitDateRuntimeAndPlatform() throws Exception {
    var run = engine.run(Map.of(), "", "version");
    assertEquals(0, run.exitCode(), run.stderr());
    List<String> lines = run.stdout().lines().toList();
    assertEquals(5, lines.size(), run.stdout());
    assertTrue(lines.get(0).matches("kiln \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), lines.get(0));
    String commit = headCommit();
    if (commit != null) {
      assertTrue(lines.get(1).startsWith("commit:  " + commit), lines.get(1) + " vs " + commit);
    }
    assertTrue(
        lines.get(2).matches("built:   \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), lines.get(2));
    assertTrue(lines.get(3).startsWith("java:    " + Runtime.version()), lines.get(3));
    assertTrue(lines.get(3).contains(System.getProperty("java.home")), lines.get(3));
    assertEquals("os/arch: " + Platform.host(), lines.get(4));
  }

  @Test
  void versionFlagPrintsTheSameAsTheCommand() {
    assertEquals(
        engine.run(Map.of(), "", "version").stdout(),
        engine.run(Map.of(), "", "--version").stdout());
  }

  @Test
  void helpDescribesTheCommand() {
    var run = engine.run(Map.of(), "", "version", "--help");
    assertEquals(0, run.exitCode(), run.stderr());
    assertTrue(run.stdout().startsWith("Usage: kiln version"), run.stdout());
    assertTrue(run.stdout().contains("git commit"), run.stdout());
  }

  @Test
  void unknownAndModifiedStampsAreSaidInWords() {
    Properties unfiltered = new Properties();
    unfiltered.setProperty("version", "${project.version}");
    unfiltered.setProperty("commit", "");
    unfiltered.setProperty("date", "${kiln.build.date}");
    List<String> unknown =
        VersionCommand.lines(BuildInfo.of(unfiltered), "17", Platform.parse("linux/arm64"));
    assertEquals("kiln dev", unknown.get(0));
    assertEquals("commit:  unknown", unknown.get(1));
    assertEquals("built:   unknown", unknown.get(2));
    assertEquals("os/arch: linux/arm64", unknown.get(4));

    BuildInfo modified =
        new BuildInfo(
            Optional.of("1.2.3"), Optional.of("abc123"), true, Optional.of("2026-01-02T03:04:05Z"));
    List<String> lines = VersionCommand.lines(modified, "25", Platform.parse("linux/amd64"));
    assertEquals("kiln 1.2.3", lines.get(0));
    assertEquals("commit:  abc123 (with uncommitted changes)", lines.get(1));
    assertEquals("built:   2026-01-02T03:04:05Z", lines.get(2));
  }

  /** The checkout's HEAD, when this runs in one with git installed. */
  private static String headCommit() throws Exception {
    Path root = Path.of(System.getProperty("kiln.root", "."));
    if (!Files.exists(root.resolve(".git"))) {
      return null;
    }
    Process git;
    try {
      git = new ProcessBuilder("git", "-C", root.toString(), "rev-parse", "HEAD").start();
    } catch (java.io.IOException noGit) {
      return null;
    }
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertTrue(git.waitFor(30, TimeUnit.SECONDS));
    return git.exitValue() == 0 ? out : null;
  }
}
