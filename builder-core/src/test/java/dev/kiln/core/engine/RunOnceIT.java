package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.core.sandbox.MountTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RUN behaviour decided before or around the sandbox (entitlement checks, secret masking in the
 * output, user lookup, parallel stages): one isolation and snapshotter are enough.
 */
class RunOnceIT extends SandboxedRunTest {
  @Override
  String isolation() {
    return "oci";
  }

  @Override
  String snapshotter() {
    return "overlay";
  }

  @Test
  void anInsecureStepNeedsItsEntitlementAndNothingRunsWithoutIt() throws Exception {
    Path ctx =
        kiln.context(
            FROM + "RUN echo first > /first\n" + "RUN --security=insecure id > /id\n", Map.of());
    BuildFailure refused = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.USAGE, refused.kind());
    assertEquals(
        "Dockerfile:3:5: RUN --security=insecure needs the security.insecure entitlement, which"
            + " this build was not granted",
        refused.getMessage());
    assertEquals(
        "    3 | RUN --security=insecure id > /id\n      |     ^^^^^^^^^^^^^^^^^^^\n",
        refused.detail().orElse(""));
    assertTrue(
        refused.hint().orElse("").startsWith("pass --allow security.insecure "),
        refused.hint().toString());
    assertEquals(List.of(), stepsStarted(), "no step runs, not even the first");
    // Granting the host network is not granting privileges.
    assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> b.allow("network.host")));
  }

  @Test
  void aBaseImagesOnbuildTriggerNeedsTheEntitlementToo() throws Exception {
    Path base = kiln.context(FROM + "ONBUILD RUN --security=insecure id > /triggered\n", Map.of());
    kiln.request(
        base,
        b ->
            b.tag("kiln.test/onbuild-insecure:1")
                .output(dev.kiln.api.request.OutputSpecParser.parse("type=image")));
    Path ctx =
        kiln.context("FROM kiln.test/onbuild-insecure:1\nRUN echo after > /after\n", Map.of());
    BuildFailure refused = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.USAGE, refused.kind());
    assertTrue(
        refused
            .getMessage()
            .startsWith(
                "Dockerfile:1:1: the base image's trigger ONBUILD RUN --security=insecure id >"
                    + " /triggered: RUN --security=insecure needs the security.insecure"),
        refused.getMessage());
    assertFalse(
        kiln.events().stream()
            .anyMatch(
                e ->
                    e instanceof dev.kiln.api.event.BuildEvent.StepStarted s
                        && s.step().text().startsWith("RUN")),
        "no RUN step started");
    RunImage image = kiln.build(ctx, b -> b.allow("security.insecure"));
    assertEquals("uid=0(root) gid=0(root) groups=0(root)", image.text("/triggered"));
  }

  @Test
  void aMultiLineSecretIsMaskedLineByLine() throws Exception {
    String first = "-----BEGIN KILN TEST KEY " + System.nanoTime() + "-----";
    String second = "c2VjcmV0LWtleS1ib2R5" + System.nanoTime();
    Path secretFile =
        Files.writeString(
            kiln.newDir("secret").resolve("key"), first + "\n" + second + "\n-----END-----\n");
    Path ctx =
        kiln.context(
            FROM + "RUN --mount=type=secret,id=key cat /run/secrets/key && echo printed\n",
            Map.of());
    kiln.build(ctx, b -> b.secret(SecretSpec.parse("id=key,src=" + secretFile)));
    List<String> output = kiln.output();
    assertTrue(output.contains("printed"), output.toString());
    for (String line : output) {
      assertFalse(line.contains(first), "progress output holds the secret: " + line);
      assertFalse(line.contains(second), "progress output holds the secret: " + line);
    }
  }

  @Test
  void aFailingStepNeverPrintsItsSecret() throws Exception {
    String secret = "kiln-fail-s3cret-" + System.nanoTime();
    Path secretFile = Files.writeString(kiln.newDir("secret").resolve("token"), secret);
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=secret,id=tok"
                + " echo \"about to fail with $(cat /run/secrets/tok)\"; exit 9\n",
            Map.of());
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () -> kiln.build(ctx, b -> b.secret(SecretSpec.parse("id=tok,src=" + secretFile))));
    String detail = failure.detail().orElse("");
    assertTrue(detail.contains("about to fail with"), detail);
    assertFalse(detail.contains(secret), detail);
    assertFalse(failure.getMessage().contains(secret), failure.getMessage());
    for (String line : kiln.output()) {
      assertFalse(line.contains(secret), line);
    }
  }

  @Test
  void aMissingSecretFailsTheStepOnlyWhenRequired() throws Exception {
    Path ctx =
        kiln.context(
            FROM + "RUN --mount=type=secret,id=absent,required=true cat /run/secrets/absent\n",
            Map.of());
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.STEP, failure.kind());
    assertTrue(failure.getMessage().startsWith("Dockerfile:2"), failure.getMessage());
    assertTrue(failure.getMessage().contains("absent"), failure.getMessage());
    // Not required (the default): the step runs without it.
    RunImage image =
        kiln.build(
            FROM
                + "RUN --mount=type=secret,id=absent"
                + " (test -e /run/secrets/absent && echo there || echo missing) > /optional\n");
    assertEquals("missing", image.text("/optional"));
  }

  @Test
  void anUnknownUserFailsTheStep() throws Exception {
    BuildFailure failure =
        assertThrows(BuildFailure.class, () -> kiln.build(FROM + "USER nosuchuser\nRUN true\n"));
    assertEquals(BuildFailure.Kind.STEP, failure.kind());
    assertTrue(failure.getMessage().startsWith("Dockerfile:3"), failure.getMessage());
    assertTrue(failure.getMessage().contains("nosuchuser"), failure.getMessage());
  }

  @Test
  void parallelStagesRunTheirStepsAtTheSameTime() throws Exception {
    String stage =
        "FROM %s AS %s\nRUN echo %s > /%s && i=0; while [ $i -lt 20 ]; do"
            + " echo $i > /tmp/%s-$i; i=$((i+1)); done\n";
    Path ctx =
        kiln.context(
            String.format(stage, RunFixture.BUSYBOX, "one", "one", "one", "one")
                + String.format(stage, RunFixture.BUSYBOX, "two", "two", "two", "two")
                + FROM
                + "COPY --from=one /one /one\n"
                + "COPY --from=two /two /two\n"
                + "RUN cat /one /two > /both\n",
            Map.of());
    RunImage image = kiln.build(ctx, b -> b.maxParallelism(2));
    assertEquals("one\ntwo", image.text("/both"));
    assertEquals(List.of(), MountTable.mountPointsUnder(kiln.cacheDir()));
  }
}
