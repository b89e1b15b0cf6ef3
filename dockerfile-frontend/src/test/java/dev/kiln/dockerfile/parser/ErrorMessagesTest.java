package dev.kiln.dockerfile.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.dockerfile.instructions.DockerfileInstructions;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Errors name file:line:col, quote the line, point at the problem and say what to do. */
class ErrorMessagesTest {

  private static String render(String dockerfile) {
    byte[] bytes = dockerfile.getBytes(StandardCharsets.UTF_8);
    DockerfileException e =
        assertThrows(
            DockerfileException.class, () -> BuildPlan.compile(bytes, BuildOptions.defaults()));
    return DockerfileErrorRenderer.render(e, "Dockerfile", bytes);
  }

  @Test
  void unknownInstructionSuggestsTheClosestOne() {
    assertEquals(
        "Dockerfile:3:1: unknown instruction: RUNN\n"
            + "    3 | RUNN apk add curl\n"
            + "      | ^^^^\n"
            + "hint: did you mean RUN?\n",
        render("FROM alpine\n\nRUNN apk add curl\n"));
  }

  @Test
  void unknownFlagPointsAtTheFlagKeepingTabsAligned() {
    assertEquals(
        "Dockerfile:2:14: unknown flag: chmodd\n"
            + "    2 | COPY --link \t--chmodd=755 app /app\n"
            + "      | "
            + " ".repeat(12)
            + "\t^^^^^^^^^^^^\n"
            + "hint: did you mean chmod?\n",
        render("FROM alpine\nCOPY --link \t--chmodd=755 app /app\n"));
  }

  @Test
  void flagOnAContinuationLineIsLocatedOnThatLine() {
    DockerfileException e =
        assertThrows(
            DockerfileException.class,
            () ->
                DockerfileInstructions.from(
                    DockerfileParser.parse(
                        "FROM alpine\nRUN --network=host \\\n    --mount=typo=x true\n")));
    assertEquals("unexpected key 'typo' in 'typo=x'", e.getMessage());
    assertEquals(new SourcePosition(3, 5), e.ranges().get(0).start());
    assertEquals("did you mean type?", e.hint().orElseThrow());
  }

  @Test
  void badDurationAndBadChmodAreLocated() {
    String duration = render("FROM alpine\nHEALTHCHECK --interval=5 CMD true\n");
    assertEquals(
        "Dockerfile:2:13: time: missing unit in duration \"5\"",
        duration.lines().findFirst().get());
    String chmod = render("FROM alpine\nCOPY --chmod=999 a /b\n");
    assertEquals(
        "Dockerfile:2:6: invalid chmod parameter: '999'. it should be octal string and between 0"
            + " and 07777",
        chmod.lines().findFirst().get());
  }

  @Test
  void circularStagesNameThePath() {
    byte[] df =
        ("FROM busybox AS a\nCOPY --from=b /x /x\nFROM busybox AS b\nCOPY --from=a /y /y\n")
            .getBytes(StandardCharsets.UTF_8);
    DockerfileException e =
        assertThrows(
            DockerfileException.class, () -> BuildPlan.compile(df, BuildOptions.defaults()));
    assertEquals("circular dependency detected on stage: a", e.getMessage());
    assertEquals("stages depend on each other: a -> b -> a", e.hint().orElseThrow());
    assertEquals(2, e.ranges().get(0).startLine());
  }

  @Test
  void unknownTargetListsTheStages() {
    byte[] df = "FROM alpine AS build\nFROM alpine AS release\n".getBytes(StandardCharsets.UTF_8);
    DockerfileException e =
        assertThrows(
            DockerfileException.class,
            () -> BuildPlan.compile(df, BuildOptions.defaults().withTarget("relase")));
    assertEquals("target stage \"relase\" could not be found", e.getMessage());
    assertEquals("did you mean release? (stages: build, release)", e.hint().orElseThrow());
  }

  @Test
  void missingRequiredArgFailsWithItsMessageAtTheArg() {
    byte[] df =
        "ARG VERSION=${VERSION:?\"set VERSION\"}\nFROM alpine\n".getBytes(StandardCharsets.UTF_8);
    DockerfileException e =
        assertThrows(
            DockerfileException.class, () -> BuildPlan.compile(df, BuildOptions.defaults()));
    assertEquals(1, e.ranges().get(0).startLine());
    assertEquals(
        "failed to process \"${VERSION:?\\\"set VERSION\\\"}\": VERSION: set VERSION",
        e.getMessage());
    BuildPlan ok =
        BuildPlan.compile(df, BuildOptions.defaults().withBuildArgs(Map.of("VERSION", "1")));
    assertEquals("1", ok.metaArgs().get(0).value());
  }

  @Test
  void aLongLineIsShownAsAWindowAroundTheError() {
    String line = "RUN " + "a".repeat(600) + "XYZ" + "b".repeat(600);
    byte[] bytes = ("FROM alpine\n" + line + "\n").getBytes(StandardCharsets.UTF_8);
    DockerfileException e =
        new DockerfileException(
            "bad", java.util.List.of(new SourceRange(at(2, 605), at(2, 607))), null, null);
    String[] out = DockerfileErrorRenderer.render(e, "Dockerfile", bytes).split("\n");
    assertEquals("Dockerfile:2:605: bad", out[0]);
    assertEquals("    2 | ..." + "a".repeat(40) + "XYZ" + "b".repeat(117) + "...", out[1]);
    assertEquals("      | " + " ".repeat(43) + "^^^", out[2]);
  }

  private static SourcePosition at(int line, int column) {
    return new SourcePosition(line, column);
  }

  @Test
  void unterminatedHeredocSaysHowToEndIt() {
    String out = render("FROM alpine\nRUN <<EOF\necho hi\n");
    assertEquals("Dockerfile:2:1: unterminated heredoc", out.lines().findFirst().get());
    assertEquals(
        "hint: end the heredoc with a line holding only EOF",
        out.lines().reduce((a, b) -> b).get());
  }
}
