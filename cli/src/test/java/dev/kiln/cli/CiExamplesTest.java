package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.CacheSpec;
import dev.kiln.testdata.RepositoryRoot;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code kiln build} command lines of README's CI examples (Kubernetes, GitLab, GitHub Actions)
 * parse with kiln's real command: an option renamed or misspelt in the README fails here, and each
 * line shares a registry cache and pushes, which is what the section promises.
 */
class CiExamplesTest {
  private static final String SECTION = "### In CI: a Kubernetes Job, GitLab CI, GitHub Actions";

  /** Example values for the CI platforms' variables the command lines use. */
  private static final Map<String, String> VARIABLES =
      Map.of(
          "CI_REGISTRY_IMAGE", "registry.gitlab.example/team/app",
          "CI_COMMIT_SHORT_SHA", "1a2b3c4d",
          "GITHUB_SHA", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d");

  @Test
  void everyKilnBuildLineOfTheCiSectionParsesAndSharesARegistryCache() throws Exception {
    List<List<String>> commands = kilnBuildCommands(ciSection());
    assertEquals(3, commands.size(), "one kiln build per platform: " + commands);
    for (List<String> words : commands) {
      RecordingEngine engine = new RecordingEngine();
      String[] args = words.subList(1, words.size()).toArray(String[]::new);
      RecordingEngine.Run run = engine.run(Map.of(), "", args);
      assertEquals(0, run.exitCode(), words + "\n" + run.stderr());
      assertEquals(1, engine.request.cacheFrom().size(), words.toString());
      assertEquals(CacheSpec.Type.REGISTRY, engine.request.cacheFrom().get(0).type());
      CacheSpec to = engine.request.cacheTo().get(0);
      assertEquals(CacheSpec.Type.REGISTRY, to.type(), words.toString());
      assertTrue(to.maxMode(), "mode=max: " + words);
      assertEquals(to.ref(), engine.request.cacheFrom().get(0).ref(), "one cache: " + words);
      assertTrue(engine.request.outputs().stream().anyMatch(o -> o.push()), "pushes: " + words);
    }
  }

  @Test
  void aMisspeltOptionInALineFailsTheParse() {
    RecordingEngine engine = new RecordingEngine();
    RecordingEngine.Run run =
        engine.run(Map.of(), "", "build", "--cache-form", "type=registry,ref=r.example/a:c", ".");
    assertEquals(2, run.exitCode(), run.stderr());
  }

  private static String ciSection() throws Exception {
    String readme = Files.readString(RepositoryRoot.resolve("README.md"));
    int start = readme.indexOf(SECTION);
    assertTrue(start >= 0, "README.md has the section " + SECTION);
    int end = readme.indexOf("\n### ", start + SECTION.length());
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  /** Each line starting with {@code kiln build}, joined with its backslash continuations. */
  static List<List<String>> kilnBuildCommands(String text) {
    List<List<String>> commands = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].strip().startsWith("kiln build")) {
        continue;
      }
      StringBuilder command = new StringBuilder();
      String line = lines[i].strip();
      while (line.endsWith("\\") && i + 1 < lines.length) {
        command.append(line, 0, line.length() - 1).append(' ');
        line = lines[++i].strip();
      }
      command.append(line);
      commands.add(words(command.toString()));
    }
    return commands;
  }

  /** The words the shell makes of {@code line}: quotes removed, {@code $NAME} expanded. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == 0 && Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
        continue;
      }
      if (word == null) {
        word = new StringBuilder();
      }
      if (quote == 0 && (c == '"' || c == '\'')) {
        quote = c;
      } else if (c == quote) {
        quote = 0;
      } else if (c == '$' && quote != '\'') {
        int end = i + 1;
        while (end < line.length()
            && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_')) {
          end++;
        }
        String name = line.substring(i + 1, end);
        assertTrue(
            VARIABLES.containsKey(name),
            "give an example value for $" + name + " in CiExamplesTest: " + line);
        word.append(VARIABLES.get(name));
        i = end - 1;
      } else {
        word.append(c);
      }
    }
    assertEquals(0, quote, "unbalanced quote in " + line);
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }
}
