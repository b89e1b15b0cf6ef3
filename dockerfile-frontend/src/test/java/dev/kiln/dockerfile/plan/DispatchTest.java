package dev.kiln.dockerfile.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dockerfile.instructions.ArgInstruction;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.EnvInstruction;
import dev.kiln.dockerfile.instructions.ExposeInstruction;
import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.instructions.WorkdirInstruction;
import dev.kiln.dockerfile.parser.DockerfileException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ARG/ENV scoping as BuildKit does it, driven through the dispatch function. */
class DispatchTest {
  private static BuildPlan plan(String df, Map<String, String> args) {
    return BuildPlan.compile(
        df.getBytes(StandardCharsets.UTF_8), BuildOptions.defaults().withBuildArgs(args));
  }

  private static Map<String, String> runEnv(DispatchedInstruction d) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    d.environment().forEach(e -> m.put(e.name(), e.value()));
    return m;
  }

  @Test
  void globalArgsFeedFromAndMustBeRedeclaredInsideAStage() {
    BuildPlan p =
        plan(
            "ARG base=alpine\nARG tag=\"3.19\"\nARG suffix=\"$tag-extra\"\n"
                + "FROM ${base}:${tag} AS build\n"
                + "RUN echo $suffix\nARG suffix\nARG local=\"x-$suffix\"\nRUN echo $local\n",
            Map.of("tag", "3.20"));
    Stage build = p.stage("build").orElseThrow();
    assertEquals(new StageBase.Image("alpine:3.20"), build.base());
    assertEquals(Map.of("base", "alpine", "tag", "3.20"), build.fromArgs());
    StageDispatch d = p.dispatch(0, List.of("PATH=/usr/bin"));
    assertFalse(runEnv(d.steps().get(0)).containsKey("suffix"), "not declared in the stage yet");
    assertEquals("3.20-extra", runEnv(d.steps().get(1)).get("suffix"));
    assertEquals("x-3.20-extra", runEnv(d.steps().get(3)).get("local"));
    assertEquals(Map.of("suffix", "3.20-extra"), d.steps().get(2).usedVariables());
    assertEquals(List.of("PATH=/usr/bin"), d.imageEnv(), "ARGs never reach the image config");
  }

  @Test
  void envSeesTheBaseImageEnvAndAllPairsSeeTheOldValues() {
    BuildPlan p =
        plan("FROM alpine\nENV PATH=/opt/bin:$PATH A=1\nENV A=2 B=$A\nWORKDIR /src/$A\n", Map.of());
    StageDispatch d = p.dispatch(0, List.of("PATH=/usr/bin", "HOME=/root"));
    EnvInstruction second = (EnvInstruction) d.steps().get(1).expanded();
    assertEquals("1", second.pairs().get(1).value(), "B sees A before this ENV");
    assertEquals(List.of("PATH=/opt/bin:/usr/bin", "HOME=/root", "A=2", "B=1"), d.imageEnv());
    assertEquals("/src/2", ((WorkdirInstruction) d.steps().get(2).expanded()).path());
    assertEquals(Map.of("A", "2"), d.steps().get(2).usedVariables());
  }

  @Test
  void buildArgReplacesAFailingDefaultAndBareArgInheritsGlobal() {
    BuildPlan p =
        plan(
            "ARG V=1\nFROM scratch\nARG FOO\nARG BAR=${FOO:?\"foo missing\"}\nARG V\nCOPY a$V /\n",
            Map.of("BAR", "123"));
    StageDispatch d = p.dispatch(0, List.of());
    ArgInstruction bar = (ArgInstruction) d.steps().get(1).expanded();
    assertEquals("123", bar.args().get(0).defaultValue());
    assertEquals(
        List.of("a1"), ((CopyInstruction) d.steps().get(3).expanded()).files().sourcePaths());

    BuildPlan failing = plan("FROM scratch\nARG FOO\nARG BAR=${FOO:?\"foo missing\"}\n", Map.of());
    DockerfileException e =
        assertThrows(DockerfileException.class, () -> failing.dispatch(0, List.of()));
    assertTrue(e.getMessage().endsWith("FOO: foo missing"), e.getMessage());
    assertEquals(3, e.ranges().get(0).startLine());
  }

  @Test
  void proxyArgsReachRunWithoutDeclarationButNotTheCacheEnvironment() {
    BuildPlan p =
        plan(
            "FROM busybox\nARG FOO\nRUN echo $HTTP_PROXY\n",
            Map.of("FOO", "x", "http_proxy", "lower", "HTTP_PROXY", "upper", "NO_PROXY", "np"));
    assertEquals(Map.of("HTTP_PROXY", "lower", "NO_PROXY", "np"), p.proxyEnv());
    DispatchedInstruction run = p.dispatch(0, List.of()).steps().get(1);
    assertTrue(run.processEnvironment().contains("http_proxy=lower"));
    assertTrue(run.processEnvironment().contains("NO_PROXY=np"));
    assertEquals(List.of("FOO=x"), run.cacheEnvironment());
    assertTrue(p.warnings().isEmpty(), "proxy args are never reported unused: " + p.warnings());
  }

  @Test
  void targetStageAndPlatformArgsAreDeclaredNotAutomatic() {
    BuildPlan p =
        plan(
            "FROM alpine AS base\nRUN echo $TARGETSTAGE\nARG TARGETSTAGE\nARG TARGETARCH\n"
                + "RUN echo $TARGETSTAGE\nFROM base AS final\n",
            Map.of());
    StageDispatch d = p.dispatch(0, List.of());
    assertFalse(runEnv(d.steps().get(0)).containsKey("TARGETSTAGE"));
    assertEquals("final", runEnv(d.steps().get(3)).get("TARGETSTAGE"));
    assertEquals(
        p.options().targetPlatform().architecture(), runEnv(d.steps().get(3)).get("TARGETARCH"));
  }

  @Test
  void heredocBodiesAndMountsExpandButRunCommandsDoNot() {
    BuildPlan p =
        plan(
            "FROM alpine\nARG ID=cache1\nENV NAME=kiln PORTS=\"80 443/udp\"\n"
                + "COPY <<EOF <<'RAW' /etc/\nhello $NAME \"quoted\"\nEOF\nkeep $NAME\nRAW\n"
                + "RUN --mount=type=cache,id=$ID,target=/c echo $NAME\n"
                + "EXPOSE $PORTS\n",
            Map.of());
    StageDispatch d = p.dispatch(0, List.of());
    CopyInstruction copy = (CopyInstruction) d.steps().get(2).expanded();
    assertEquals("hello kiln \"quoted\"\n", copy.files().sourceContents().get(0).data());
    assertEquals("keep $NAME\n", copy.files().sourceContents().get(1).data());
    RunInstruction run = (RunInstruction) d.steps().get(3).expanded();
    assertEquals("cache1", run.mounts().get(0).cacheId());
    assertEquals(List.of("echo $NAME"), run.command().args());
    ExposeInstruction expose = (ExposeInstruction) d.steps().get(4).expanded();
    assertEquals(List.of("80/tcp", "443/udp"), expose.portKeys());
  }

  @Test
  void stageBuiltFromAStageStartsWithItsImageEnv() {
    BuildPlan p = plan("FROM alpine AS a\nENV X=1\nFROM a\nRUN echo $X\n", Map.of());
    StageDispatch first = p.dispatch(0, List.of("PATH=/bin"));
    StageDispatch second = p.dispatch(1, first.imageEnv());
    assertEquals("1", runEnv(second.steps().get(0)).get("X"));
    assertEquals(new StageBase.Stage(0), p.stage(1).base());
  }

  @Test
  void stageBuiltFromAStageKeepsItsArgValues() {
    // BuildKit's child stage starts from the parent's state, whose environment holds its ARGs.
    BuildPlan p =
        plan(
            "FROM alpine AS base\nARG VERSION=1.2\nFROM base AS child\nARG VERSION\n"
                + "RUN echo $VERSION\nWORKDIR /opt/$VERSION\n",
            Map.of());
    StageDispatch first = p.dispatch(0, List.of("PATH=/bin"));
    assertEquals("1.2", first.stateEnv().get("VERSION"));
    StageDispatch second = p.dispatch(1, first.imageEnv(), first.stateEnv());
    assertEquals("1.2", runEnv(second.steps().get(1)).get("VERSION"));
    assertEquals(List.of("PATH=/bin"), second.imageEnv());
    WorkdirInstruction workdir = (WorkdirInstruction) second.steps().get(2).expanded();
    assertEquals("/opt/1.2", workdir.path());
  }
}
