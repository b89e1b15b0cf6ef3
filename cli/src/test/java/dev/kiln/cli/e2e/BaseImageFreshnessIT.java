package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a build's base image comes from when kiln's local store holds it, as BuildKit does it: the
 * store is a cache, not a pin. An image {@code kiln pull} stored is checked against its registry
 * tag on every build; an unreachable registry leaves the stored copy in use with a warning; {@code
 * --pull} insists on the registry; an image only built locally needs no registry; a single-platform
 * base for another platform is warned about. Real jar, real docker-registry.
 */
class BaseImageFreshnessIT {
  @TempDir Path home;

  /** Pushes {@code FROM scratch} + a label {@code v=VERSION} to {@code ref}. */
  private static void pushBase(KilnCli kiln, String ref, String version) {
    Path context =
        kiln.context(
            "base-" + version,
            Map.of(
                "Dockerfile",
                "FROM scratch\nCOPY v.txt /v.txt\nLABEL v=" + version + "\n",
                "v.txt",
                version + "\n"));
    kiln.run("build", "-q", "--push", "-t", ref, context.toString()).ok();
  }

  /** Builds {@code FROM base} into the store as {@code name}; the result's run. */
  private static KilnCli.Result buildFrom(KilnCli kiln, String base, String name, String... flags) {
    Path context =
        kiln.context(
            "derived-" + name.replace(':', '-'),
            Map.of("Dockerfile", "FROM " + base + "\nLABEL derived=yes\n"));
    java.util.List<String> args =
        new java.util.ArrayList<>(java.util.List.of("build", "--progress=plain", "-t", name));
    args.addAll(java.util.List.of(flags));
    args.add(context.toString());
    return kiln.run(args.toArray(String[]::new));
  }

  private static JsonNode inspect(KilnCli kiln, String name) throws Exception {
    return Skopeo.json(kiln.run("inspect", name).ok().stdout());
  }

  @Test
  void aPulledBaseWhoseTagMovedIsResolvedAgain() throws Exception {
    KilnCli kiln = new KilnCli(home);
    try (LocalRegistry registry = LocalRegistry.plain()) {
      registry.start();
      String base = registry.reference("base:1");
      pushBase(kiln, base, "1");
      kiln.run("pull", "-q", base).ok();
      buildFrom(kiln, base, "app:1").ok();
      assertEquals("1", inspect(kiln, "app:1").path("config").path("labels").path("v").asText());

      pushBase(kiln, base, "2");
      KilnCli.Result moved = buildFrom(kiln, base, "app:2").ok();
      assertEquals(
          "2",
          inspect(kiln, "app:2").path("config").path("labels").path("v").asText(),
          "the tag moved, so the new image is the base: " + moved.describe());
      assertFalse(moved.stderr().contains("WARNING"), moved.describe());
    }
  }

  @Test
  void aPulledBaseIsUsedWithAWarningWhenItsRegistryIsDownAndPullThenFails() throws Exception {
    KilnCli kiln = new KilnCli(home);
    String base;
    try (LocalRegistry registry = LocalRegistry.plain()) {
      registry.start();
      base = registry.reference("offline:1");
      pushBase(kiln, base, "1");
      kiln.run("pull", "-q", base).ok();
    }
    KilnCli.Result offline = buildFrom(kiln, base, "offline-app:1").ok();
    assertTrue(
        offline
            .stderr()
            .contains("WARNING: could not check base image " + base + " in its registry"),
        offline.describe());
    assertTrue(
        offline.stderr().contains("using the copy in kiln's local store"), offline.describe());
    assertEquals(
        "1", inspect(kiln, "offline-app:1").path("config").path("labels").path("v").asText());

    KilnCli.Result pull = buildFrom(kiln, base, "offline-app:2", "--pull");
    assertNotEquals(0, pull.exitCode(), pull.describe());
    assertTrue(
        pull.stderr()
            .contains("--pull: base image " + base + " could not be resolved in its registry"),
        pull.describe());
    assertTrue(pull.stderr().contains("cannot connect"), pull.describe());
    assertTrue(pull.stderr().contains("build without --pull"), pull.describe());

    KilnCli.Result missing = buildFrom(kiln, base, "offline-app:3", "--pull=missing").ok();
    assertFalse(missing.stderr().contains("WARNING"), "not checked at all: " + missing.describe());
  }

  @Test
  void pullMissingUsesTheBaseAnEarlierBuildResolvedWithoutAskingTheRegistry() throws Exception {
    KilnCli kiln = new KilnCli(home);
    String base;
    try (LocalRegistry registry = LocalRegistry.plain()) {
      registry.start();
      base = registry.reference("resolved:1");
      pushBase(kiln, base, "1");
      // No kiln pull: the first build resolves the tag in the registry itself.
      buildFrom(kiln, base, "resolved-app:1").ok();

      pushBase(kiln, base, "2");
      KilnCli.Result missing = buildFrom(kiln, base, "resolved-app:2", "--pull=missing").ok();
      assertEquals(
          "1",
          inspect(kiln, "resolved-app:2").path("config").path("labels").path("v").asText(),
          "--pull=missing does not check the tag, so the moved tag is not seen: "
              + missing.describe());
      KilnCli.Result checked = buildFrom(kiln, base, "resolved-app:3").ok();
      assertEquals(
          "2",
          inspect(kiln, "resolved-app:3").path("config").path("labels").path("v").asText(),
          "without the flag the tag is checked: " + checked.describe());
    }
    KilnCli.Result offline = buildFrom(kiln, base, "resolved-app:4", "--pull=missing").ok();
    assertFalse(offline.stderr().contains("WARNING"), offline.describe());
    assertEquals(
        "2", inspect(kiln, "resolved-app:4").path("config").path("labels").path("v").asText());
  }

  @Test
  void anImageOnlyBuiltLocallyNeedsNoRegistryEvenUnderARegistryName() throws Exception {
    KilnCli kiln = new KilnCli(home);
    String down;
    try (LocalRegistry registry = LocalRegistry.plain()) {
      registry.start();
      down = registry.hostPort();
    }
    String local = down + "/local-only:1";
    Path context =
        kiln.context("local-only", Map.of("Dockerfile", "FROM scratch\nLABEL v=local\n"));
    kiln.run("build", "-q", "-t", local, context.toString()).ok();
    KilnCli.Result derived = buildFrom(kiln, local, "from-local:1").ok();
    assertFalse(derived.stderr().contains("WARNING"), derived.describe());
    assertEquals(
        "local", inspect(kiln, "from-local:1").path("config").path("labels").path("v").asText());

    KilnCli.Result never = buildFrom(kiln, "nowhere-" + down + "/x:1", "never:1", "--pull=never");
    assertNotEquals(0, never.exitCode(), never.describe());
    assertTrue(never.stderr().contains("--pull=never"), never.describe());
  }

  @Test
  void aSinglePlatformBaseForAnotherPlatformIsWarnedAbout() throws Exception {
    KilnCli kiln = new KilnCli(home);
    Path context =
        kiln.context("amd64-base", Map.of("Dockerfile", "FROM scratch\nLABEL v=amd64\n"));
    kiln.run("build", "-q", "--platform", "linux/amd64", "-t", "amd64-base:1", context.toString())
        .ok();
    KilnCli.Result other =
        buildFrom(kiln, "amd64-base:1", "arm-app:1", "--platform", "linux/arm64").ok();
    assertTrue(
        other
            .stderr()
            .contains(
                "WARNING: Dockerfile:1: InvalidBaseImagePlatform: Base image amd64-base:1 was"
                    + " pulled with platform \"linux/amd64\", expected \"linux/arm64\" for"
                    + " current build"),
        other.describe());
    KilnCli.Result same =
        buildFrom(kiln, "amd64-base:1", "amd64-app:1", "--platform", "linux/amd64").ok();
    assertFalse(same.stderr().contains("InvalidBaseImagePlatform"), same.describe());

    Path checked = kiln.context("checked", Map.of("Dockerfile", "FROM amd64-base:1\nLABEL x=1\n"));
    KilnCli.Result check =
        kiln.run("build", "--check", "--platform", "linux/arm64", checked.toString()).exits(1);
    assertTrue(check.stderr().contains("InvalidBaseImagePlatform"), check.describe());

    Path skipped =
        kiln.context(
            "skipped",
            Map.of(
                "Dockerfile",
                "# check=skip=InvalidBaseImagePlatform\nFROM amd64-base:1\nLABEL x=1\n"));
    KilnCli.Result quiet =
        kiln.run("build", "--progress=plain", "--platform", "linux/arm64", skipped.toString()).ok();
    assertFalse(quiet.stderr().contains("InvalidBaseImagePlatform"), quiet.describe());

    Path strict =
        kiln.context(
            "strict", Map.of("Dockerfile", "# check=error=true\nFROM amd64-base:1\nLABEL x=1\n"));
    KilnCli.Result failed =
        kiln.run("build", "--progress=plain", "--platform", "linux/arm64", strict.toString());
    assertNotEquals(0, failed.exitCode(), failed.describe());
    assertTrue(
        failed.stderr().contains("lint violation found for rules: InvalidBaseImagePlatform"),
        failed.describe());
  }
}
