package dev.kiln.cli.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebugCommandsTest {
  @TempDir Path dir;

  /** Exit code, stdout and stderr of one kiln invocation. */
  private record Result(int code, String out, String err) {}

  private static Result kiln(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Result(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void parsePrintsBuildKitDump() throws IOException {
    Path df =
        write(
            "Dockerfile",
            "FROM alpine AS base\nONBUILD RUN [\"echo\", \"hi\"]\nCOPY --chown=1:1 a b /c/\n");
    Result r = kiln("debug", "parse", "-f", df.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(
        "(from \"alpine\" \"AS\" \"base\")\n"
            + "(onbuild (run \"echo\" \"hi\"))\n"
            + "(copy [\"--chown=1:1\"] \"a\" \"b\" \"/c/\")\n",
        r.out());
  }

  @Test
  void parseReportsALocatedErrorWithExitOne() throws IOException {
    Path df = write("Dockerfile", "FROM alpine\nRUN <<EOF\necho never ends\n");
    Result r = kiln("debug", "parse", "-f", df.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith(df + ":2:1: unterminated heredoc\n"), r.err());
    assertTrue(r.err().contains("    2 | RUN <<EOF\n"), r.err());
  }

  @Test
  void missingFileIsExplained() {
    Result r = kiln("debug", "parse", "-f", dir.resolve("nope").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().contains("no such file"), r.err());
  }

  @Test
  void planShowsStagesDependenciesOrderAndPruning() throws IOException {
    Path df =
        write(
            "Dockerfile",
            "ARG V=1\nFROM golang:$V AS build\nFROM alpine AS unused\n"
                + "FROM scratch\nCOPY --from=build /app /app\n");
    Result r = kiln("debug", "plan", "-f", df.toString(), "--build-arg", "V=2");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("  V=2\n"), r.out());
    assertTrue(r.out().contains("  0 build  from image golang:2  (line 2)\n"), r.out());
    assertTrue(r.out().contains("- 1 unused  from image alpine"), r.out());
    assertTrue(r.out().contains("      needs stage build  (COPY --from, line 5)\n"), r.out());
    assertTrue(r.out().contains("execution order: build -> stage-2\n"), r.out());
    assertTrue(r.out().contains("pruned: unused\n"), r.out());
  }

  @Test
  void planWithUnknownTargetListsStages() throws IOException {
    Path df = write("Dockerfile", "FROM alpine AS build\nFROM alpine AS release\n");
    Result r = kiln("debug", "plan", "-f", df.toString(), "--target", "nope");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("target stage \"nope\" could not be found"), r.err());
    assertTrue(r.err().contains("stages: build, release"), r.err());
  }
}
