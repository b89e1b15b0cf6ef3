package dev.kiln.dockerfile.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.parser.DockerfileErrorRenderer;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.testing.ResourceBound;
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
}
