package dev.kiln.dockerfile.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.StageDispatch;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * BuildKit's build checks (docs.docker.com/reference/build-checks): each rule's trigger, message
 * and line, the check directive and build argument, and error=true.
 */
class BuildChecksTest {
  private static BuildPlan plan(String df) {
    return plan(df, Map.of());
  }

  private static BuildPlan plan(String df, Map<String, String> args) {
    return BuildPlan.compile(
        df.getBytes(StandardCharsets.UTF_8), BuildOptions.defaults().withBuildArgs(args));
  }

  /** "Rule:line: message" for each warning, in order. */
  private static List<String> lines(List<ParseWarning> warnings) {
    return warnings.stream()
        .map(
            w ->
                w.rule()
                    + ":"
                    + (w.range() == null ? 0 : w.range().startLine())
                    + ": "
                    + w.message())
        .toList();
  }

  @Test
  void eachRuleFiresWithBuildKitsMessageAndLine() {
    BuildPlan p =
        plan(
            """
            FROM alpine as Build
            MAINTAINER someone
            ENV PATH /usr/bin
            LABEL a b
            WORKDIR app
            CMD echo one
            CMD ["echo", "two"]
            ENTRYPOINT run me
            FROM build AS scratch
            from alpine
            """);
    assertEquals(
        List.of(
            "ConsistentInstructionCasing:10: Command 'from' should match the case of the command"
                + " majority (uppercase)",
            "FromAsCasing:1: 'as' and 'FROM' keywords' casing do not match",
            "StageNameCasing:1: Stage name 'Build' should be lowercase",
            "MaintainerDeprecated:2: Maintainer instruction is deprecated in favor of using label",
            "LegacyKeyValueFormat:3: \"ENV key=value\" should be used instead of legacy \"ENV key"
                + " value\" format",
            "LegacyKeyValueFormat:4: \"LABEL key=value\" should be used instead of legacy \"LABEL"
                + " key value\" format",
            "WorkdirRelativePath:5: Relative workdir 'app' can have unexpected results if the base"
                + " image changes",
            "JSONArgsRecommended:6: JSON arguments recommended for CMD to prevent unintended"
                + " behavior related to OS signals",
            "JSONArgsRecommended:8: JSON arguments recommended for ENTRYPOINT to prevent unintended"
                + " behavior related to OS signals",
            "MultipleInstructionsDisallowed:6: Multiple CMD instructions should not be used in the"
                + " same stage because only the last one will be used",
            "ReservedStageName:9: Stage name should not use the same name as reserved stage"
                + " \"scratch\""),
        lines(p.warnings()));
    assertEquals(
        "https://docs.docker.com/go/dockerfile/rule/json-args-recommended/",
        p.warnings().stream()
            .filter(w -> w.rule().equals("JSONArgsRecommended"))
            .findFirst()
            .orElseThrow()
            .url());
  }

  @Test
  void aCleanDockerfileHasNoWarnings() {
    BuildPlan p =
        plan(
            """
            FROM alpine AS base
            WORKDIR /app
            SHELL ["/bin/sh", "-c"]
            CMD echo the shell form is meant here
            FROM base AS child
            WORKDIR src
            ENV A=1
            HEALTHCHECK NONE
            """);
    assertEquals(List.of(), lines(p.warnings()));
  }

  @Test
  void theCheckDirectiveSkipsRulesAndTheBuildArgReplacesIt() {
    String df =
        "# check=skip=JSONArgsRecommended,MaintainerDeprecated\nFROM alpine\nCMD x\n"
            + "MAINTAINER me\nENV A b\n";
    assertEquals(List.of("LegacyKeyValueFormat"), rules(plan(df).warnings()));
    assertEquals(List.of(), rules(plan("# check=skip=all\nFROM alpine\nCMD x\n").warnings()));
    assertEquals(
        List.of("JSONArgsRecommended", "MaintainerDeprecated"),
        rules(
            plan(df, Map.of("BUILDKIT_DOCKERFILE_CHECK", "skip=LegacyKeyValueFormat")).warnings()));
  }

  private static List<String> rules(List<ParseWarning> warnings) {
    return warnings.stream().map(ParseWarning::rule).toList();
  }

  @Test
  void errorTrueTurnsViolationsIntoAFailure() {
    BuildPlan p = plan("# check=error=true\nFROM alpine AS Base\nCMD x\n");
    DockerfileException e = p.checkViolation(List.of()).orElseThrow();
    assertEquals(
        "lint violation found for rules: JSONArgsRecommended, StageNameCasing", e.getMessage());
    assertTrue(plan("FROM alpine AS Base\nCMD x\n").checkViolation(List.of()).isEmpty());
    assertTrue(
        plan("# check=error=true;skip=all\nFROM alpine\nCMD x\n")
            .checkViolation(List.of())
            .isEmpty());
    assertTrue(
        plan("# check=experimental=all;error=true\nFROM alpine\n")
            .checkViolation(List.of())
            .isEmpty());
    DockerfileException bad =
        assertThrows(DockerfileException.class, () -> plan("# check=eror=true\nFROM alpine\n"));
    assertEquals("invalid check option \"eror\" in the # check= directive", bad.getMessage());
    assertEquals(1, bad.ranges().get(0).startLine());
  }

  @Test
  void undefinedVarIsFoundWhereWordsAreExpanded() {
    BuildPlan p =
        plan(
            """
            FROM alpine
            ARG DECLARED
            ENV PATH=$PAHT:/app/bin
            COPY $DECLARED $nothere /dst/
            RUN echo $SHELL_ONLY
            LABEL v=${WITH_DEFAULT:-x}
            """);
    StageDispatch d = p.dispatch(0, List.of("PATH=/usr/bin"));
    List<String> found = lines(d.warnings());
    assertTrue(
        found.contains("UndefinedVar:3: Usage of undefined variable $PAHT (did you mean $PATH?)"),
        found.toString());
    assertTrue(
        found.contains("UndefinedVar:4: Usage of undefined variable $nothere"), found.toString());
    assertFalse(found.toString().contains("DECLARED"), found.toString());
    assertFalse(found.toString().contains("SHELL_ONLY"), found.toString());
    assertTrue(
        plan("# check=skip=UndefinedVar\nFROM alpine\nENV A=$B\n")
            .dispatch(0, List.of())
            .warnings()
            .isEmpty());
  }

  @Test
  void aSyntaxDirectiveForAnotherFrontendIsTold() {
    assertEquals(
        List.of(
            "UnsupportedSyntax:1: kiln uses its built-in Dockerfile frontend, not the frontend"
                + " \"example.com/my/frontend:1\" that # syntax= names"),
        lines(plan("# syntax=example.com/my/frontend:1\nFROM alpine\n").warnings()));
    for (String ok :
        List.of(
            "docker/dockerfile:1",
            "docker.io/docker/dockerfile:1.7-labs",
            "docker/dockerfile-upstream:master",
            "docker/dockerfile@sha256:" + "a".repeat(64))) {
      assertEquals(List.of(), plan("# syntax=" + ok + "\nFROM alpine\n").warnings(), ok);
    }
  }
}
