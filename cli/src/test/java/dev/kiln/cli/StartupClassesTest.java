package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a fresh kiln JVM loads for commands that need little: not the models of the commands it does
 * not run, and not Jackson (with the locale and calendar data an ObjectMapper pulls in) when
 * nothing is read or written as JSON. Each case runs {@link Main} in its own JVM, since a class
 * loaded once stays loaded for every later test in this one.
 */
class StartupClassesTest {
  private static final String OBJECT_MAPPER = "com.fasterxml.jackson.databind.ObjectMapper";
  // Completion candidates of build's and push's options: loaded when their models are built.
  private static final String OTHER_COMMANDS_MODEL = "dev.kiln.cli.shell.OptionValues";

  @TempDir Path dir;

  /** The classes a fresh JVM running {@code kiln args} loaded. */
  private List<String> loadedClasses(String... args) throws IOException, InterruptedException {
    Path log = dir.resolve("classes-" + String.join("_", args) + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xlog:class+load=info:file=" + log);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("output.txt").toFile())
            .start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kiln " + String.join(" ", args));
    assertEquals(
        0,
        process.exitValue(),
        Files.readString(dir.resolve("output.txt"), StandardCharsets.UTF_8));
    List<String> classes = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      // "[info][class,load] NAME source: ..."
      String[] words = line.split(" ");
      for (int i = 0; i + 1 < words.length; i++) {
        if (words[i + 1].equals("source:")) {
          classes.add(words[i]);
        }
      }
    }
    assertTrue(classes.contains(Main.class.getName()), "the log names the classes loaded");
    return classes;
  }

  private static boolean anyStartsWith(List<String> classes, String prefix) {
    return classes.stream().anyMatch(c -> c.startsWith(prefix));
  }

  @Test
  void versionBuildsNoCommandModelAndLoadsNoJackson() throws Exception {
    List<String> classes = loadedClasses("--version");
    assertFalse(anyStartsWith(classes, OTHER_COMMANDS_MODEL), "other commands' models built");
    assertFalse(classes.contains(OBJECT_MAPPER), "Jackson loaded");
  }

  @Test
  void helpOfACommandBuildsOnlyThatCommandsModel() throws Exception {
    List<String> classes = loadedClasses("login", "--help");
    assertFalse(anyStartsWith(classes, OTHER_COMMANDS_MODEL), "other commands' models built");
  }

  @Test
  void helpForEveryCommandLoadsNoJackson() throws Exception {
    assertFalse(loadedClasses("--help").contains(OBJECT_MAPPER), "kiln --help loaded Jackson");
    assertFalse(
        loadedClasses("images", "--help").contains(OBJECT_MAPPER),
        "kiln images --help loaded Jackson");
  }
}
