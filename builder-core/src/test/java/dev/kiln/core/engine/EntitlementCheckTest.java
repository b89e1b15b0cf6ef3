package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.api.request.BuildRequest;
import dev.kiln.dockerfile.parser.DockerfileErrorRenderer;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Which RUN steps a build refuses for a missing {@code --allow}, and how it says so. */
class EntitlementCheckTest {
  private static final String DOCKERFILE =
      "FROM busybox AS unused\n"
          + "RUN --security=insecure reboot\n"
          + "FROM busybox\n"
          + "RUN echo first\n"
          + "RUN  --mount=type=cache,target=/c --network=host --security=insecure make\n";

  @Test
  void theFirstNeededStepIsRefusedAtItsFlagWithWhatToPass() {
    String rendered = refusal(DOCKERFILE, b -> b);
    assertEquals(
        "Dockerfile:5:35: RUN --network=host --security=insecure needs the network.host and"
            + " security.insecure entitlements, which this build was not granted\n"
            + "    5 | RUN  --mount=type=cache,target=/c --network=host --security=insecure make\n"
            + "      |                                   ^^^^^^^^^^^^^^\n"
            + "hint: pass --allow network.host,security.insecure if you trust this Dockerfile:"
            + " the step then runs with full privileges on this machine\n",
        rendered);
  }

  @Test
  void eachGrantLeavesOnlyTheOther() {
    assertEquals(
        "Dockerfile:5:50: RUN --security=insecure needs the security.insecure entitlement, which"
            + " this build was not granted",
        refusal(DOCKERFILE, b -> b.allow("network.host")).lines().findFirst().orElseThrow());
    String network = refusal(DOCKERFILE, b -> b.allow("security.insecure"));
    assertEquals(
        "Dockerfile:5:35: RUN --network=host needs the network.host entitlement, which this build"
            + " was not granted",
        network.lines().findFirst().orElseThrow());
    assertEquals(
        "hint: pass --allow network.host if you trust this Dockerfile: the step then shares this"
            + " machine's network",
        network.lines().reduce((a, b) -> b).orElseThrow());
    EntitlementCheck.plan(
        plan(DOCKERFILE), request(b -> b.allow("network.host,security.insecure")));
    // As buildx, a build-wide --network=host grants network.host.
    EntitlementCheck.plan(
        plan(DOCKERFILE), request(b -> b.network("host").allow("security.insecure")));
  }

  @Test
  void stagesTheTargetDoesNotNeedAreNotChecked() {
    // The unused stage's RUN --security=insecure is not built, as BuildKit never sees it either.
    EntitlementCheck.plan(
        plan(DOCKERFILE.replace(" --network=host --security=insecure", "")), request(b -> b));
    assertThrows(
        DockerfileException.class,
        () ->
            EntitlementCheck.plan(
                BuildPlan.compile(
                    DOCKERFILE.getBytes(StandardCharsets.UTF_8),
                    BuildOptions.defaults().withTarget("unused")),
                request(b -> b.allow("network.host"))));
  }

  @Test
  void otherModesNeedNothing() {
    EntitlementCheck.plan(
        plan(
            "FROM busybox\nRUN --network=none --security=sandbox true\n"
                + "RUN --network=default true\n"),
        request(b -> b));
  }

  private static String refusal(String dockerfile, UnaryOperator<BuildRequest.Builder> options) {
    DockerfileException e =
        assertThrows(
            DockerfileException.class,
            () -> EntitlementCheck.plan(plan(dockerfile), request(options)));
    return DockerfileErrorRenderer.render(
        e, "Dockerfile", dockerfile.getBytes(StandardCharsets.UTF_8));
  }

  private static BuildPlan plan(String dockerfile) {
    return BuildPlan.compile(dockerfile.getBytes(StandardCharsets.UTF_8), BuildOptions.defaults());
  }

  private static BuildRequest request(UnaryOperator<BuildRequest.Builder> options) {
    return options.apply(BuildRequest.builder(Path.of("."))).build();
  }
}
