package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The completion scripts of {@code kiln completion}, loaded into real bash and fish (Debian's fish
 * 3.6): commands, options, and the words of options that take one of a few.
 */
class ShellCompletionIT {
  @TempDir static Path home;
  static Path bash;
  static Path fish;

  @BeforeAll
  static void scripts() throws Exception {
    KilnCli kiln = new KilnCli(home);
    bash =
        Files.writeString(home.resolve("kiln.bash"), kiln.run("completion", "bash").ok().stdout());
    fish =
        Files.writeString(home.resolve("kiln.fish"), kiln.run("completion", "fish").ok().stdout());
  }

  /**
   * What bash's completion function offers for the last of {@code words} (may be empty), as the
   * words the command then receives (bash quotes a comma as {@code \,}).
   */
  private static List<String> bashOffers(String... words) {
    String array = String.join(" ", List.of(words).stream().map(w -> "'" + w + "'").toList());
    String script =
        "source "
            + bash
            + " 2>/dev/null; COMP_WORDS=("
            + array
            + "); COMP_CWORD="
            + (words.length - 1)
            + "; _complete_kiln kiln 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"";
    return ProcessRunner.run(List.of("bash", "-c", script))
        .requireSuccess()
        .stdout()
        .lines()
        .map(l -> l.strip().replace("\\", ""))
        .sorted()
        .toList();
  }

  /** What fish offers for {@code line}, without descriptions. */
  private static List<String> fishOffers(String line) {
    String script = "source " + fish + "; complete -C '" + line + "'";
    return ProcessRunner.run(List.of("fish", "--no-config", "-c", script))
        .requireSuccess()
        .stdout()
        .lines()
        .map(l -> l.split("\t", 2)[0])
        .sorted()
        .toList();
  }

  @Test
  void bashCompletesTheWordsOfEachOption() {
    assertEquals(
        List.of("auto", "plain", "quiet", "rawjson", "tty"),
        bashOffers("kiln", "build", "--progress", ""));
    assertEquals(List.of("default", "host", "none"), bashOffers("kiln", "build", "--network", ""));
    assertEquals(List.of("auto", "chroot", "oci"), bashOffers("kiln", "build", "--isolation", ""));
    assertEquals(List.of("docker", "oci"), bashOffers("kiln", "build", "--format", ""));
    assertTrue(bashOffers("kiln", "build", "-o", "").contains("type=oci,dest="));
    assertTrue(bashOffers("kiln", "pull", "--platform", "").contains("linux/arm64"));
    assertEquals(List.of("json", "table"), bashOffers("kiln", "images", "--format", ""));
  }

  @Test
  void fishCompletesCommandsOptionsAndTheirWords() {
    List<String> commands = fishOffers("kiln ");
    for (String command : List.of("build", "push", "pull", "images", "rmi", "save", "cache")) {
      assertTrue(commands.contains(command), command + " in " + commands);
    }
    assertEquals(List.of("du", "prune"), fishOffers("kiln cache "));
    assertEquals(
        List.of("auto", "plain", "quiet", "rawjson", "tty"), fishOffers("kiln build --progress "));
    assertEquals(List.of("default", "host", "none"), fishOffers("kiln build --network "));
    assertTrue(fishOffers("kiln build -o ").contains("type=local,dest="));
    assertTrue(fishOffers("kiln save --form").contains("--format"));
    assertEquals(List.of("docker", "oci"), fishOffers("kiln save --format "));
    assertTrue(fishOffers("kiln cache prune --").contains("--keep-storage"));
  }
}
