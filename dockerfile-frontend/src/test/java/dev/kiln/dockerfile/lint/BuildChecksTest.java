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

  /** The warnings of {@code rule} among {@code warnings}, as "Rule:line: message". */
  private static List<String> of(String rule, List<ParseWarning> warnings) {
    return lines(warnings.stream().filter(w -> w.rule().equals(rule)).toList());
  }

  @Test
  void secretsUsedInArgOrEnvNamesTheKeyAndItsLine() {
    BuildPlan p =
        plan(
            """
            ARG GLOBAL_TOKEN=not-checked
            FROM alpine
            ARG AWS_ACCESS_KEY_ID
            ARG AWS_SECRET_ACCESS_KEY
            ENV passwd=banana HOME_DIR=/h
            ENV GPG_KEY_FILE=/k PUBLIC_KEY=x APP_VERSION=1 KEYBOARD=us MONKEY=1
            """);
    assertEquals(
        List.of(
            "SecretsUsedInArgOrEnv:3: Do not use ARG or ENV instructions for sensitive data (ARG"
                + " \"AWS_ACCESS_KEY_ID\")",
            "SecretsUsedInArgOrEnv:4: Do not use ARG or ENV instructions for sensitive data (ARG"
                + " \"AWS_SECRET_ACCESS_KEY\")",
            "SecretsUsedInArgOrEnv:5: Do not use ARG or ENV instructions for sensitive data (ENV"
                + " \"passwd\")"),
        of("SecretsUsedInArgOrEnv", p.warnings()));
    BuildPlan good =
        plan(
            """
            FROM alpine
            RUN --mount=type=secret,id=aws_key_id,env=AWS_ACCESS_KEY_ID aws s3 ls
            """);
    assertEquals(List.of(), of("SecretsUsedInArgOrEnv", good.warnings()));
  }

  @Test
  void invalidDefaultArgInFromChecksTheBaseWithDefaultsOnly() {
    String bad = "ARG TAG\nFROM busybox:${TAG}\n";
    assertEquals(
        List.of(
            "InvalidDefaultArgInFrom:2: Default value for ARG busybox:${TAG} results in empty or"
                + " invalid base image name"),
        of("InvalidDefaultArgInFrom", plan(bad).warnings()));
    // A --build-arg does not make the defaults valid.
    assertEquals(
        1, of("InvalidDefaultArgInFrom", plan(bad, Map.of("TAG", "1.36")).warnings()).size());
    assertEquals(
        List.of(
            "InvalidDefaultArgInFrom:2: Default value for ARG ${BASE} results in empty or"
                + " invalid base image name"),
        of("InvalidDefaultArgInFrom", plan("ARG BASE=Alpine\nFROM ${BASE}\n").warnings()));
    for (String good :
        List.of(
            "ARG TAG=latest\nFROM busybox:${TAG}\n",
            "ARG VARIANT\nFROM busybox:stable${VARIANT}\n",
            "ARG TAG\nFROM alpine:${TAG:-3.14}\n",
            "FROM alpine AS base\nARG X\nFROM ${X:-base}\n",
            "ARG REG=localhost:5000\nFROM ${REG}/team/app:1@sha256:" + "a".repeat(64) + "\n")) {
      assertEquals(List.of(), of("InvalidDefaultArgInFrom", plan(good).warnings()), good);
    }
  }

  @Test
  void fromPlatformFlagConstDisallowedUnlessTheStageIsNamedForIt() {
    BuildPlan p =
        plan(
            """
            FROM --platform=linux/amd64 alpine AS base
            FROM --platform=linux/arm64 alpine AS build_arm64
            FROM --platform=$BUILDPLATFORM alpine AS tools
            FROM --platform=linux/amd64 alpine AS linux_tools
            FROM alpine
            """);
    assertEquals(
        List.of(
            "FromPlatformFlagConstDisallowed:1: FROM --platform flag should not use constant value"
                + " \"linux/amd64\""),
        of("FromPlatformFlagConstDisallowed", p.warnings()));
  }

  private static BuildPlan planIgnoring(String df, String... ignore) {
    return BuildPlan.compile(
        df.getBytes(StandardCharsets.UTF_8),
        BuildOptions.defaults().withIgnorePatterns(List.of(ignore)));
  }

  private static List<String> ignoredCopies(BuildPlan p) {
    return of("CopyIgnoredFile", p.dispatch(0, List.of()).warnings());
  }

  @Test
  void copyIgnoredFileReportsContextSourcesTheIgnoreFileDrops() {
    String df =
        """
        FROM scratch AS other
        FROM scratch
        COPY ./tmp/helloworld.txt /helloworld.txt
        COPY ./forever/helloworld.txt /x
        ADD secrets/.env https://example.com/tmp/file.txt /y/
        COPY --from=other tmp/a /z
        COPY . /all
        """;
    BuildPlan p = planIgnoring(df, "*/tmp/*", "tmp", "secrets");
    assertEquals(
        List.of(
            "CopyIgnoredFile:3: Attempting to Copy file \"tmp/helloworld.txt\" that is excluded"
                + " by .dockerignore",
            "CopyIgnoredFile:5: Attempting to Add file \"secrets/.env\" that is excluded by"
                + " .dockerignore"),
        of("CopyIgnoredFile", p.dispatch(1, List.of()).warnings()));
    // Without an ignore file, with a ! exception, or skipped: nothing.
    assertEquals(
        List.of(), of("CopyIgnoredFile", planIgnoring(df).dispatch(1, List.of()).warnings()));
    assertEquals(
        List.of(),
        of(
            "CopyIgnoredFile",
            planIgnoring(df, "tmp", "!tmp/helloworld.txt").dispatch(1, List.of()).warnings()));
    assertEquals(
        List.of(),
        ignoredCopies(
            planIgnoring("# check=skip=CopyIgnoredFile\nFROM scratch\nCOPY tmp /\n", "tmp")));
    // The context root is reported only when a pattern drops everything in it.
    assertEquals(
        List.of(
            "CopyIgnoredFile:2: Attempting to Copy file \".\" that is excluded by .dockerignore"),
        ignoredCopies(planIgnoring("FROM scratch\nCOPY . /\n", "*")));
    // Sources are checked after expansion; experimental= does not change anything.
    assertEquals(
        1,
        ignoredCopies(
                planIgnoring(
                    "# check=experimental=CopyIgnoredFile\nFROM scratch\nARG D=tmp\nCOPY $D/a /\n",
                    "tmp"))
            .size());
  }
}
