package dev.kiln.dockerfile.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.dockerfile.instructions.DockerfileInstructions;
import dev.kiln.dockerfile.parser.DockerfileErrorRenderer;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.DockerfileParser;
import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.ParsedDockerfile;
import dev.kiln.dockerfile.parser.SourceRange;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.DispatchedInstruction;
import dev.kiln.dockerfile.plan.EnvVar;
import dev.kiln.dockerfile.plan.Stage;
import dev.kiln.dockerfile.plan.StageDispatch;
import dev.kiln.dockerfile.shell.ShellWordExpander;
import java.util.List;

/**
 * Any bytes, as a Dockerfile, through the whole frontend: parse, typed instructions, plan, and the
 * dispatch of every stage the target needs. The only failure allowed is a {@link
 * DockerfileException}, and it must be located inside the file and render to a few lines; a plan's
 * nodes must lie inside the file and its expanded values must stay within the expansion limit.
 */
class DockerfileFuzzTest {
  private static final List<String> BASE_ENV = List.of("PATH=/usr/bin:/bin", "HOME=/root");

  @FuzzTest(maxDuration = "20s", maxExecutions = 6_000)
  // Dictionary entries are written into libFuzzer's dictionary as they are: \x0a is a newline.
  @DictionaryEntries({"FROM ", "AS ", "RUN ", "COPY ", "ADD ", "ENV ", "ARG ", "LABEL ", "USER "})
  @DictionaryEntries({"WORKDIR ", "ONBUILD ", "EXPOSE ", "HEALTHCHECK ", "SHELL ", "VOLUME "})
  @DictionaryEntries({"CMD ", "ENTRYPOINT ", "STOPSIGNAL ", "--from=", "--chown=", "--chmod="})
  @DictionaryEntries({"--mount=type=", "--platform=", "<<EOF", "EOF\\x0a", "\\\\\\x0a"})
  @DictionaryEntries({"${", ":-", "}", "$A", "=", "[\\\"", "\\\"]", "\\x0a", "scratch", "0755"})
  @DictionaryEntries({"# escape=`"})
  void parsePlanAndDispatch(byte[] dockerfile) {
    int lines = lineCount(dockerfile);
    try {
      ParsedDockerfile parsed = DockerfileParser.parse(dockerfile);
      for (Node n : parsed.instructions()) {
        assertInside(n.range(), lines);
        assertNotNull(n.dump());
      }
      DockerfileInstructions.from(parsed);
      BuildPlan plan = BuildPlan.compile(dockerfile, BuildOptions.defaults());
      for (Stage s : plan.executionOrder()) {
        StageDispatch d = plan.dispatch(s.index(), BASE_ENV);
        long bound = dockerfile.length + (long) ShellWordExpander.MAX_GROWTH + 64;
        for (DispatchedInstruction step : d.steps()) {
          for (String entry : step.imageEnv()) {
            assertTrue(
                entry.length() <= bound, "an Env entry of " + entry.length() + " characters");
          }
          for (EnvVar v : step.environment()) {
            assertTrue(v.value().length() <= bound, v.name() + " of " + v.value().length());
          }
        }
      }
    } catch (DockerfileException e) {
      assertNotNull(e.getMessage());
      for (SourceRange r : e.ranges()) {
        assertInside(r, lines);
      }
      String rendered = DockerfileErrorRenderer.render(e, "Dockerfile", dockerfile);
      assertTrue(rendered.length() <= 4096, rendered.length() + " characters of error");
      assertFalse(rendered.isBlank());
    }
  }

  /** Lines a position may name: every line of the file, and one past a final newline. */
  private static int lineCount(byte[] bytes) {
    int n = 1;
    for (byte b : bytes) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }

  private static void assertInside(SourceRange r, int lines) {
    assertTrue(r.start().line() >= 1 && r.end().line() <= lines, "range " + r + " of " + lines);
  }
}
