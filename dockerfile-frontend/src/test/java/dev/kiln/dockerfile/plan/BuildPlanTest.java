package dev.kiln.dockerfile.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.ParseWarning;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Stages, edges, target pruning, named contexts, ONBUILD splicing and warnings. */
class BuildPlanTest {
  private static final String DF =
      "FROM alpine AS assets\n"
          + "FROM golang:1.22 AS build\n"
          + "RUN --mount=type=bind,from=assets,target=/a go build\n"
          + "FROM build AS test\n"
          + "FROM scratch AS release\n"
          + "COPY --from=build /out /app\n"
          + "COPY --from=0 /assets /assets\n"
          + "COPY --from=nginx:1.27 /etc/nginx /etc/nginx\n";

  private static BuildPlan compile(String df, BuildOptions options) {
    return BuildPlan.compile(df.getBytes(StandardCharsets.UTF_8), options);
  }

  @Test
  void edgesOrderAndPruning() {
    BuildPlan p = compile(DF, BuildOptions.defaults());
    assertEquals("release", p.target().name());
    assertEquals(
        List.of("assets", "build", "release"),
        p.executionOrder().stream().map(Stage::name).toList());
    assertEquals(List.of("test"), p.pruned().stream().map(Stage::name).toList());
    List<Dependency> release = p.dependenciesOf(3);
    assertEquals(new StageBase.Stage(1), release.get(0).source());
    assertEquals(new StageBase.Stage(0), release.get(1).source());
    assertEquals(new StageBase.Image("nginx:1.27"), release.get(2).source());
    assertEquals(Dependency.Kind.MOUNT_FROM, p.dependenciesOf(1).get(0).kind());

    BuildPlan test = compile(DF, BuildOptions.defaults().withTarget("TEST"));
    assertEquals(
        List.of("assets", "build", "test"),
        test.executionOrder().stream().map(Stage::name).toList());
  }

  @Test
  void namedContextsReplaceImagesAndStages() {
    BuildPlan p =
        compile(DF, BuildOptions.defaults().withNamedContexts(Set.of("nginx:1.27", "assets")));
    assertEquals(new StageBase.Context("assets"), p.stage("assets").orElseThrow().base());
    assertTrue(p.stage("assets").orElseThrow().instructions().isEmpty());
    assertEquals(new StageBase.Context("nginx:1.27"), p.dependenciesOf(3).get(2).source());
  }

  @Test
  void duplicateStageNamesAreRejected() {
    DockerfileException e =
        assertThrows(
            DockerfileException.class,
            () -> compile("FROM a AS x\nFROM b AS X\n", BuildOptions.defaults()));
    assertEquals("duplicate stage name \"x\"", e.getMessage());
    assertEquals(2, e.ranges().get(0).startLine());
  }

  @Test
  void unusedBuildArgsAreWarningsWithSuggestions() {
    BuildPlan p =
        compile(
            "ARG VERSION\nFROM alpine\nARG USER\n",
            BuildOptions.defaults().withBuildArgs(Map.of("VERSON", "1", "USER", "me")));
    List<ParseWarning> w = p.warnings();
    assertEquals(1, w.size(), w.toString());
    assertEquals("UnusedBuildArg", w.get(0).rule());
    assertEquals("did you mean VERSION?", w.get(0).detail());
  }

  @Test
  void onbuildTriggersRunFirstAndMayAddEdges() {
    BuildPlan p =
        compile(
            "FROM alpine AS tools\nFROM myapp-base AS app\nRUN make\n", BuildOptions.defaults());
    assertEquals(List.of("app"), p.executionOrder().stream().map(Stage::name).toList());
    BuildPlan spliced =
        p.withOnbuildTriggers(1, List.of("COPY --from=tools /bin/tool /bin/", "RUN echo trigger"));
    assertEquals(3, spliced.stage(1).instructions().size());
    assertEquals(
        List.of("echo trigger"),
        ((RunInstruction) spliced.stage(1).instructions().get(1)).command().args());
    assertEquals(
        List.of("tools", "app"), spliced.executionOrder().stream().map(Stage::name).toList());

    DockerfileException e =
        assertThrows(DockerfileException.class, () -> p.withOnbuildTriggers(1, List.of("FROM x")));
    assertEquals(2, e.ranges().get(0).startLine());
  }

  @Test
  void platformFlagIsExpandedWithGlobalArgs() {
    BuildPlan p =
        compile(
            "FROM --platform=$BUILDPLATFORM golang AS build\nFROM --platform=linux/arm64 alpine\n",
            BuildOptions.defaults()
                .withPlatforms(Platform.parse("linux/amd64"), Platform.parse("linux/arm/v7")));
    assertEquals(Platform.parse("linux/amd64"), p.stage(0).platform());
    assertEquals("linux/arm64", p.stage(1).platform().format());
    assertEquals("linux/arm/v7", p.globalArgs().get("TARGETPLATFORM"));
  }

  @Test
  void copyAndMountSourcesAreResolvedOnceInThePlan() {
    BuildPlan p =
        compile(
            "FROM busybox AS Build\n"
                + "FROM scratch\n"
                + "COPY --from=build /a /a\n"
                + "COPY --from=0 /b /b\n"
                + "COPY --from=assets /c /c\n"
                + "COPY --from=alpine:3 /d /d\n"
                + "COPY /e /e\n"
                + "RUN --mount=type=bind,target=/x"
                + " --mount=type=bind,from=build,target=/y"
                + " --mount=type=cache,from=assets,target=/z"
                + " --mount=type=bind,from=0,target=/w true\n",
            BuildOptions.defaults().withNamedContexts(Set.of("assets")));
    var instructions = p.stage(1).instructions();
    assertEquals(Optional.of(new StageBase.Stage(0)), p.copySource(1, instructions.get(0)));
    assertEquals(Optional.of(new StageBase.Stage(0)), p.copySource(1, instructions.get(1)));
    assertEquals(
        Optional.of(new StageBase.Context("assets")), p.copySource(1, instructions.get(2)));
    assertEquals(
        Optional.of(new StageBase.Image("alpine:3")), p.copySource(1, instructions.get(3)));
    assertEquals(Optional.empty(), p.copySource(1, instructions.get(4)));
    var run = instructions.get(5);
    assertEquals(Optional.empty(), p.mountSource(1, run, 0));
    assertEquals(Optional.of(new StageBase.Stage(0)), p.mountSource(1, run, 1));
    assertEquals(Optional.of(new StageBase.Context("assets")), p.mountSource(1, run, 2));
    assertEquals(Optional.of(new StageBase.Stage(0)), p.mountSource(1, run, 3));
  }

  @Test
  void aStageCanOnlyReadStagesDefinedBeforeIt() {
    // BuildKit (since 0.13): "cannot copy from stage ..., it needs to be defined before ...".
    DockerfileException copy =
        assertThrows(
            DockerfileException.class,
            () ->
                compile(
                    "FROM busybox AS target\nCOPY --from=build / /out\nFROM alpine AS build\n",
                    BuildOptions.defaults()));
    assertEquals(
        "cannot copy from stage \"build\": it is defined after the current stage \"target\"",
        copy.getMessage());
    assertEquals(2, copy.ranges().get(0).startLine());
    assertEquals(6, copy.ranges().get(0).start().column());
    DockerfileException mount =
        assertThrows(
            DockerfileException.class,
            () ->
                compile(
                    "FROM busybox\nRUN --mount=from=1,target=/x true\nFROM alpine\n",
                    BuildOptions.defaults()));
    assertTrue(
        mount.getMessage().startsWith("cannot mount from stage \"stage-1\""), mount.getMessage());
    // A loop is still reported as a loop.
    DockerfileException loop =
        assertThrows(
            DockerfileException.class,
            () ->
                compile(
                    "FROM busybox AS a\nCOPY --from=b / /\nFROM busybox AS b\nCOPY --from=a / /\n",
                    BuildOptions.defaults()));
    assertTrue(loop.getMessage().startsWith("circular dependency"), loop.getMessage());
  }

  @Test
  void aNameOneTypoFromAStageIsNotPulledFromARegistry() {
    DockerfileException e =
        assertThrows(
            DockerfileException.class,
            () ->
                compile(
                    "FROM golang AS build\nFROM scratch\nCOPY --from=biuld /out /out\n",
                    BuildOptions.defaults()));
    assertEquals("no stage named \"biuld\"; did you mean stage \"build\"?", e.getMessage());
    assertEquals(3, e.ranges().get(0).startLine());
    assertTrue(e.hint().orElseThrow().contains("docker.io/library/biuld:latest"));
    DockerfileException mount =
        assertThrows(
            DockerfileException.class,
            () ->
                compile(
                    "FROM golang AS build\nFROM scratch\nRUN --mount=from=buidl,target=/x true\n",
                    BuildOptions.defaults()));
    assertTrue(mount.getMessage().contains("did you mean stage \"build\"?"));
    // Image references and names far from every stage stay images.
    BuildPlan images =
        compile(
            "FROM golang AS build\nFROM scratch\nCOPY --from=biuld:1 /a /a\n"
                + "COPY --from=nginx /b /b\n",
            BuildOptions.defaults());
    assertEquals(new StageBase.Image("biuld:1"), images.dependenciesOf(1).get(0).source());
    assertEquals(new StageBase.Image("nginx"), images.dependenciesOf(1).get(1).source());
  }

  @Test
  void stopSignalMustNameASignal() {
    DockerfileException e =
        assertThrows(
            DockerfileException.class,
            () -> compile("FROM busybox\nSTOPSIGNAL SIGNOTREAL\n", BuildOptions.defaults()));
    assertEquals("failed to parse stop signal: invalid signal: SIGNOTREAL", e.getMessage());
    assertEquals(2, e.ranges().get(0).startLine());
    DockerfileException typo =
        assertThrows(
            DockerfileException.class,
            () -> compile("FROM busybox\nSTOPSIGNAL SIGTRM\n", BuildOptions.defaults()));
    assertTrue(typo.hint().orElseThrow().startsWith("did you mean SIGTERM?"), typo.hint().get());
    assertThrows(
        DockerfileException.class,
        () -> compile("FROM busybox\nSTOPSIGNAL 0\n", BuildOptions.defaults()));
    for (String ok : List.of("SIGTERM", "term", "9", "SIGRTMIN+3", "rtmax-2", "SIGWINCH")) {
      compile("FROM busybox\nSTOPSIGNAL " + ok + "\n", BuildOptions.defaults());
    }
    // An expanded signal is checked when the stage is walked.
    BuildPlan p = compile("FROM busybox\nARG S=SIGNOPE\nSTOPSIGNAL $S\n", BuildOptions.defaults());
    DockerfileException late =
        assertThrows(DockerfileException.class, () -> p.dispatch(0, List.of()));
    assertEquals("failed to parse stop signal: invalid signal: SIGNOPE", late.getMessage());
    assertEquals(3, late.ranges().get(0).startLine());
  }
}
