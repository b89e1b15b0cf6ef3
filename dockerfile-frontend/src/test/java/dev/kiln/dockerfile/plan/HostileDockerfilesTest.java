package dev.kiln.dockerfile.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.parser.DockerfileErrorRenderer;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.testdata.ResourceBound;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Small hostile Dockerfiles against the frontend's public entry points ({@link BuildPlan#compile}
 * and {@link BuildPlan#dispatch} of every stage the target needs): each ends in a clean {@link
 * DockerfileException} at {@code Dockerfile:line:col}, or in a plan, within a time and memory bound
 * and on a small stack, never in an OutOfMemoryError, a StackOverflowError or a hang. Before these
 * limits existed, each of them crashed or hung kiln (issue 13).
 */
class HostileDockerfilesTest {
  private static final Duration TIME = Duration.ofSeconds(30);
  private static final long MIB = 1024 * 1024;

  /** Compiles and dispatches every needed stage; returns the plan. */
  private static BuildPlan build(String dockerfile) {
    BuildPlan plan =
        BuildPlan.compile(dockerfile.getBytes(StandardCharsets.UTF_8), BuildOptions.defaults());
    for (Stage s : plan.executionOrder()) {
      plan.dispatch(s.index(), List.of("PATH=/usr/bin"));
    }
    return plan;
  }

  /** The first line of the rendered error of a Dockerfile that must fail, within the bounds. */
  private static String error(String dockerfile, long maxBytes) {
    return ResourceBound.within(
        TIME,
        maxBytes,
        () -> {
          DockerfileException e = assertThrows(DockerfileException.class, () -> build(dockerfile));
          String rendered =
              DockerfileErrorRenderer.render(
                  e, "Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8));
          assertTrue(rendered.length() < 4096, rendered.length() + " characters of error");
          return rendered.lines().findFirst().orElseThrow();
        });
  }

  private static BuildPlan plan(String dockerfile, long maxBytes) {
    return ResourceBound.within(TIME, maxBytes, () -> build(dockerfile));
  }

  private static String exponentialArgs(String first) {
    StringBuilder df = new StringBuilder(first).append("ARG A1=xx\n");
    for (int i = 2; i <= 60; i++) {
      df.append("ARG A").append(i).append("=${A").append(i - 1).append("}${A");
      df.append(i - 1).append("}\n");
    }
    return df.toString();
  }

  @Test
  void exponentialArgExpansionStopsAtTheWordLimitNamingTheVariable() {
    // Line 1 is FROM; A22 (line 23) would be 2^22 characters long.
    String df = exponentialArgs("FROM scratch\n") + "ENV X=$A60\n";
    assertEquals(
        "Dockerfile:23:5: failed to process \"${A21}${A21}\": expanding ${A21} makes the word"
            + " longer than 2 MiB",
        error(df, 256 * MIB));
  }

  @Test
  void exponentialGlobalArgsStopTooBeforeTheFirstFrom() {
    String df = exponentialArgs("") + "FROM scratch\n";
    assertEquals(
        "Dockerfile:22:5: failed to process \"${A21}${A21}\": expanding ${A21} makes the word"
            + " longer than 2 MiB",
        error(df, 256 * MIB));
  }

  @Test
  void linearCopiesOfALargeValueStopAtTheStageBudget() {
    // A18 is 2 MiB; each ENV copies it four times, and the eighth (line 28) passes 64 MiB.
    StringBuilder df = new StringBuilder("FROM scratch\nARG A0=xxxxxxxx\n");
    for (int i = 1; i <= 18; i++) {
      df.append("ARG A").append(i).append("=${A").append(i - 1).append("}${A");
      df.append(i - 1).append("}\n");
    }
    for (int i = 0; i < 100; i++) {
      df.append("ENV B").append(i).append("=$A18 C").append(i).append("=$A18 D").append(i);
      df.append("=$A18 E").append(i).append("=$A18\n");
    }
    assertEquals(
        "Dockerfile:28:1: variable expansion adds more than 64 MiB to this stage",
        error(df.toString(), 1024 * MIB));
  }

  @Test
  void tenThousandChainedFromStagesPlanWithoutRecursion() {
    StringBuilder df = new StringBuilder("FROM scratch AS s0\n");
    for (int i = 0; i < 10_000; i++) {
      df.append("FROM s").append(i).append(" AS s").append(i + 1).append('\n');
    }
    BuildPlan plan = plan(df.toString(), 512 * MIB);
    assertEquals(10_001, plan.executionOrder().size());
    assertEquals(new StageBase.Stage(9_999), plan.stage(10_000).base());
  }

  @Test
  void tenThousandCopyFromStagesPlanWithoutRecursion() {
    StringBuilder df = new StringBuilder("FROM scratch AS s0\n");
    for (int i = 1; i <= 10_000; i++) {
      df.append("FROM scratch AS s").append(i).append('\n');
      df.append("COPY --from=s").append(i - 1).append(" /a /a\n");
    }
    BuildPlan plan = plan(df.toString(), 512 * MIB);
    assertEquals(10_001, plan.executionOrder().size());
    assertEquals(0, plan.executionOrder().get(0).index());
    assertEquals(1, plan.dependenciesOf(10_000).size());
  }

  @Test
  void aCycleThroughTenThousandStagesIsFoundAndLocated() {
    StringBuilder df = new StringBuilder("FROM scratch AS s0\nCOPY --from=s10000 /a /a\n");
    for (int i = 1; i <= 10_000; i++) {
      df.append("FROM scratch AS s").append(i).append('\n');
      df.append("COPY --from=s").append(i - 1).append(" /a /a\n");
    }
    assertEquals(
        "Dockerfile:2:1: circular dependency detected on stage: s0",
        error(df.toString(), 512 * MIB));
    DockerfileException e =
        assertThrows(
            DockerfileException.class,
            () ->
                BuildPlan.compile(
                    df.toString().getBytes(StandardCharsets.UTF_8), BuildOptions.defaults()));
    assertEquals(
        "stages depend on each other: s0 -> s10000 -> s9999 -> s9998 -> ... (9995 more) -> s2 -> s1"
            + " -> s0",
        e.hint().orElseThrow());
  }

  @Test
  void deeplyNestedDefaultsAreRefused() {
    String df = "FROM scratch\nENV X=" + "${v:-".repeat(2_000) + "x" + "}".repeat(2_000) + "\n";
    assertTrue(
        error(df, 256 * MIB).startsWith("Dockerfile:2:1: failed to process \"${v:-${v:-"),
        "located at the ENV");
    assertTrue(error(df, 256 * MIB).endsWith(": variable references nest more than 100 deep"));
  }

  @Test
  void thousandsOfUnclosedDefaultsAreRefused() {
    String unclosed = "${a:-".repeat(5_000);
    assertTrue(
        error("FROM scratch\nENV X=" + unclosed + "\n", 256 * MIB)
            .endsWith(": variable references nest more than 100 deep"));
    assertTrue(
        error("FROM scratch\nCOPY " + unclosed + " /x\n", 256 * MIB)
            .endsWith(": variable references nest more than 100 deep"));
    // The parser expands a RUN line that may open a heredoc; such a line is simply no heredoc.
    RunInstruction run =
        (RunInstruction)
            plan("FROM scratch\nRUN <<EOF " + unclosed + "\n", 256 * MIB)
                .stage(0)
                .instructions()
                .get(0);
    assertEquals(List.of(), run.command().files());
  }

  @Test
  void hugeChmodIsAUserErrorAtTheFlag() {
    assertEquals(
        "Dockerfile:2:6: invalid chmod parameter: '77777777777777777777777'. it should be octal"
            + " string and between 0 and 07777",
        error("FROM scratch\nCOPY --chmod=77777777777777777777777 a /b\n", 64 * MIB));
    assertEquals(
        "Dockerfile:3:5: invalid chmod parameter: '00000000000000000000017777'. it should be octal"
            + " string and between 0 and 07777",
        error("FROM scratch\nARG M=00000000000000000000017777\nADD --chmod=$M a /b\n", 64 * MIB));
    Stage s =
        plan("FROM scratch\nCOPY --chmod=00000000000000000000000755 a /b\n", 64 * MIB).stage(0);
    assertEquals(
        0755,
        ((dev.kiln.dockerfile.instructions.CopyInstruction) s.instructions().get(0))
            .chmod()
            .octal());
  }

  @Test
  void hugeChownAndUserIdsAreUserErrorsAtTheFlag() {
    assertEquals(
        "Dockerfile:2:6: invalid user id 99999999999999999999 in \"99999999999999999999:1\"",
        error("FROM scratch\nCOPY --chown=99999999999999999999:1 a /b\n", 64 * MIB));
    assertEquals(
        "Dockerfile:3:6: invalid group id 4294967296 in \"0:4294967296\"",
        error("FROM scratch\nARG G=4294967296\nCOPY --chown=0:$G a /b\n", 64 * MIB));
    assertEquals(
        "Dockerfile:2:1: invalid user id 18446744073709551616 in \"18446744073709551616\"",
        error("FROM scratch\nUSER 18446744073709551616\n", 64 * MIB));
    plan("FROM scratch\nCOPY --chown=4294967295:app a /b\nUSER 4294967295:0\n", 64 * MIB);
  }

  @Test
  void aHundredKilobyteFirstLineReportsTheLineLimit() {
    String df = "FROM scratch " + "x".repeat(100_000) + "\n";
    assertEquals(
        "Dockerfile:1:1: dockerfile line greater than max allowed size of 65535",
        error(df, 64 * MIB));
  }

  @Test
  void aChainOfOnbuildIsRefusedWithoutRecursingPerLevel() {
    String df = "FROM scratch\n" + "ONBUILD ".repeat(8_000) + "RUN true\n";
    assertEquals("Dockerfile:2:137: ONBUILD nested more than 16 deep", error(df, 256 * MIB));
  }

  @Test
  void deeplyNestedJsonIsShellFormNotAStackOverflow() {
    String command = "[".repeat(30_000);
    BuildPlan p = plan("FROM scratch\nRUN " + command + "\n", 256 * MIB);
    RunInstruction run = (RunInstruction) p.stage(0).instructions().get(0);
    assertEquals(List.of(command), run.command().args());
  }

  @Test
  void twentyThousandArgAndEnvLinesDispatchInLinearMemory() {
    StringBuilder df = new StringBuilder("FROM scratch\n");
    for (int i = 0; i < 20_000; i++) {
      df.append("ARG A").append(i).append("=a\nENV E").append(i).append("=e\n");
    }
    df.append("RUN env\n");
    BuildPlan p = plan(df.toString(), 1024 * MIB);
    StageDispatch d =
        ResourceBound.within(TIME, 256 * MIB, () -> p.dispatch(0, List.of("PATH=/usr/bin")));
    DispatchedInstruction last = d.steps().get(d.steps().size() - 1);
    assertEquals(40_001, last.environment().size());
    assertEquals(20_001, last.imageEnv().size());
    assertEquals("E0=e", d.steps().get(1).imageEnv().get(1));
    assertEquals(2, d.steps().get(1).imageEnv().size());
  }

  @Test
  void aBacktrackingPatternFailsInsteadOfHanging() {
    String df =
        "FROM scratch\nENV V=" + "a".repeat(60) + "\nWORKDIR ${V#" + "*a".repeat(12) + "*b}\n";
    assertEquals(
        "Dockerfile:3:1: failed to process \"${V#*a*a*a*a*a*a*a*a*a*a*a*a*b}\": pattern"
            + " (*a*a*a*a*a*a*a*a*a*a*a*a*b) in substitution is too complex",
        error(df, 256 * MIB));
  }

  @Test
  void aReplacementThatMultipliesTheValueStopsAtTheWordLimit() {
    String df =
        "FROM scratch\nENV V="
            + "a".repeat(30_000)
            + "\nENV W=${V//?/"
            + "b".repeat(30_000)
            + "}\n";
    assertTrue(error(df, 256 * MIB).endsWith("makes the word longer than 2 MiB"));
  }
}
