package dev.kiln.dockerfile.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which stages a two-platform build builds once: a table of Dockerfiles and answers. */
class SharedStagesTest {
  private static final Platform HOST = Platform.parse("linux/amd64");

  private static Set<Integer> shared(String dockerfile) {
    return SharedStages.of(plans(dockerfile), Set.of("files"));
  }

  private static List<BuildPlan> plans(String dockerfile) {
    return List.of("linux/amd64", "linux/arm64").stream()
        .map(
            p ->
                BuildPlan.compile(
                    dockerfile.getBytes(StandardCharsets.UTF_8),
                    BuildOptions.defaults()
                        .withBuildArgs(Map.of("VERSION", "1"))
                        .withPlatforms(HOST, Platform.parse(p))
                        .withNamedContexts(Set.of("files", "img"))))
        .toList();
  }

  @Test
  void aCrossCompilingBuilderIsSharedAndTheRuntimeStageIsNot() {
    assertEquals(
        Set.of(0),
        shared(
            "FROM --platform=$BUILDPLATFORM golang AS build\n"
                + "ARG VERSION\nRUN go build -o /out/app\n"
                + "FROM alpine\nCOPY --from=build /out/app /app\n"));
  }

  @Test
  void declaringATargetArgMakesAStageTheTargets() {
    assertEquals(
        Set.of(),
        shared(
            "FROM --platform=$BUILDPLATFORM golang AS build\n"
                + "ARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build\n"
                + "FROM alpine\nCOPY --from=build /out /app\n"));
  }

  @Test
  void aGlobalArgThatReadsTheTargetCountsWhenTheStageDeclaresIt() {
    String df =
        "ARG SUFFIX=-$TARGETARCH\n"
            + "FROM --platform=$BUILDPLATFORM busybox AS a\nARG SUFFIX\nRUN echo $SUFFIX\n"
            + "FROM --platform=$BUILDPLATFORM busybox AS b\nRUN echo $SUFFIX\n"
            + "FROM scratch\nCOPY --from=a / /a\nCOPY --from=b / /b\n";
    assertEquals(Set.of(1), shared(df));
    assertEquals(
        Set.of("SUFFIX", "TARGETARCH", "TARGETPLATFORM"), SharedStages.platformArgs(plans(df)));
  }

  @Test
  void withoutPlatformOrWithTheTargetsPlatformAStageIsTheTargets() {
    assertEquals(Set.of(), shared("FROM busybox\nRUN true\n"));
    assertEquals(Set.of(), shared("FROM --platform=$TARGETPLATFORM busybox\nRUN true\n"));
    assertEquals(Set.of(0), shared("FROM --platform=linux/amd64 busybox\nRUN true\n"));
  }

  @Test
  void aBaseNamedAfterTheTargetIsTheTargets() {
    assertEquals(
        Set.of(), shared("FROM --platform=$BUILDPLATFORM tools:${TARGETARCH}\nRUN true\n"));
  }

  @Test
  void copyingFromAnImageResolvesItForTheTarget() {
    assertEquals(
        Set.of(),
        shared("FROM --platform=$BUILDPLATFORM busybox\nCOPY --from=nginx /etc/nginx /n\n"));
    assertEquals(
        Set.of(),
        shared("FROM --platform=$BUILDPLATFORM busybox\nCOPY --from=img /etc/nginx /n\n"));
    assertEquals(
        Set.of(0), shared("FROM --platform=$BUILDPLATFORM busybox\nCOPY --from=files /x /x\n"));
  }

  @Test
  void aStageReadingATargetStageIsTheTargetsAndSoAreStagesBuiltOnIt() {
    String df =
        "FROM busybox AS assets\nRUN true\n"
            + "FROM --platform=$BUILDPLATFORM busybox AS tools\n"
            + "RUN --mount=from=assets,target=/a cp /a/x /x\n"
            + "FROM --platform=$BUILDPLATFORM tools AS more\n"
            + "FROM scratch\nCOPY --from=more /x /x\n";
    assertEquals(Set.of(), shared(df));
  }

  @Test
  void aSharedStageBuiltOnASharedStageIsShared() {
    String df =
        "FROM --platform=$BUILDPLATFORM busybox AS base\nRUN true\n"
            + "FROM --platform=$BUILDPLATFORM base AS build\nRUN true\n"
            + "FROM scratch\nCOPY --from=build /x /x\n";
    assertEquals(Set.of(0, 1), shared(df));
  }

  @Test
  void anOnbuildTriggerDeclaringATargetArgUnsharesTheStageAndItsReaders() {
    String df =
        "FROM --platform=$BUILDPLATFORM tools AS base\nRUN true\n"
            + "FROM --platform=$BUILDPLATFORM base AS build\nRUN true\n"
            + "FROM --platform=$BUILDPLATFORM busybox AS other\nRUN true\n"
            + "FROM scratch\nCOPY --from=build /x /x\nCOPY --from=other /y /y\n";
    List<BuildPlan> plans = plans(df);
    Set<Integer> shared = SharedStages.of(plans, Set.of());
    assertEquals(Set.of(0, 1, 2), shared);
    // What the base image's ONBUILD ARG TARGETARCH looks like once spliced into stage 0.
    var triggered = plans("FROM tools\nARG TARGETARCH\nRUN true\n").get(0).stage(0).instructions();
    var plain = plans(df).get(0).stage(2).instructions();
    assertEquals(Set.of(2), SharedStages.confirmed(plans, shared, Map.of(0, triggered, 2, plain)));
    assertEquals(shared, SharedStages.confirmed(plans, shared, Map.of(2, plain)));
  }
}
