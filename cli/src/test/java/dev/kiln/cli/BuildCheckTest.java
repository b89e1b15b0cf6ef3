package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build checks through the real engine: {@code --check} / {@code --call=check} print BuildKit's
 * warnings with file:line and build nothing; {@code # check=error=true} fails a build before any
 * step runs. Dockerfiles start FROM scratch, so no registry is needed.
 */
class BuildCheckTest {
  @TempDir Path temp;

  private RealEngineRun.Result kiln(String... args) {
    return RealEngineRun.kiln(temp, new byte[0], args);
  }

  private Path context(String dockerfile) throws Exception {
    Path ctx = Files.createDirectories(temp.resolve("ctx"));
    Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
    return ctx;
  }

  private String[] build(Path ctx, String... flags) {
    return RealEngineRun.build(temp, ctx.toString(), flags);
  }

  @Test
  void checkPrintsTheWarningsAndBuildsNothing() throws Exception {
    Path ctx = context("FROM scratch as Base\nENV A=$UNSET\nCMD run\n");
    for (String flag : List.of("--check", "--call=check")) {
      RealEngineRun.Result r = kiln(build(ctx, flag));
      assertEquals(1, r.exitCode(), r.stderr());
      assertTrue(
          r.stderr()
              .contains(
                  "WARNING: Dockerfile:1: FromAsCasing: 'as' and 'FROM' keywords' casing do not"
                      + " match"),
          r.stderr());
      assertTrue(
          r.stderr().contains("WARNING: Dockerfile:1: StageNameCasing: Stage name 'Base'"),
          r.stderr());
      assertTrue(
          r.stderr().contains("WARNING: Dockerfile:3: JSONArgsRecommended: JSON arguments"),
          r.stderr());
      assertTrue(
          r.stderr()
              .contains("WARNING: Dockerfile:2: UndefinedVar: Usage of undefined variable $UNSET"),
          r.stderr());
      assertTrue(r.stderr().contains("Check complete, 4 warnings found."), r.stderr());
      assertEquals("", r.stdout(), "no digest: nothing was built");
    }
    RealEngineRun.Result clean = kiln(build(context("FROM scratch\nCMD [\"run\"]\n"), "--check"));
    assertEquals(0, clean.exitCode(), clean.stderr());
    assertTrue(clean.stderr().contains("Check complete, no warnings found."), clean.stderr());
  }

  @Test
  void errorTrueFailsTheBuildBeforeAnyStep() throws Exception {
    Path ctx = context("# check=error=true\nFROM scratch\nMAINTAINER me\n");
    RealEngineRun.Result r = kiln(build(ctx));
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("WARNING: Dockerfile:3: MaintainerDeprecated:"), r.stderr());
    assertTrue(
        r.stderr().contains("lint violation found for rules: MaintainerDeprecated"), r.stderr());
    assertFalse(r.stderr().contains("#2 "), "no step ran: " + r.stderr());
    RealEngineRun.Result skipped =
        kiln(build(ctx, "--build-arg", "BUILDKIT_DOCKERFILE_CHECK=skip=all"));
    assertEquals(0, skipped.exitCode(), skipped.stderr());
  }

  @Test
  void undefinedVarWithErrorTrueFailsTheBuildAtItsStage() throws Exception {
    Path ctx = context("# check=error=true\nFROM scratch\nENV A=$NOPE\n");
    RealEngineRun.Result r = kiln(build(ctx));
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(
        r.stderr()
            .contains("WARNING: Dockerfile:3: UndefinedVar: Usage of undefined variable $NOPE"),
        r.stderr());
    assertTrue(r.stderr().contains("lint violation found for rules: UndefinedVar"), r.stderr());
    RealEngineRun.Result warned = kiln(build(context("FROM scratch\nENV A=$NOPE\n")));
    assertEquals(0, warned.exitCode(), warned.stderr());
    assertTrue(warned.stderr().contains("UndefinedVar"), warned.stderr());
  }

  @Test
  void anUnknownCallIsRefused() throws Exception {
    RealEngineRun.Result r = kiln(build(context("FROM scratch\n"), "--call=outline"));
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("--call=outline is not supported"), r.stderr());
  }

  @Test
  void copyIgnoredFileSeesTheContextsDockerignore() throws Exception {
    Path ctx = context("FROM scratch\nCOPY app.txt /\nCOPY .env /\n");
    Files.writeString(ctx.resolve("app.txt"), "a");
    Files.writeString(ctx.resolve(".env"), "PASSWORD=x");
    Files.writeString(ctx.resolve(".dockerignore"), ".env\n");
    RealEngineRun.Result r = kiln(build(ctx, "--check"));
    assertEquals(1, r.exitCode(), r.stderr());
    assertTrue(
        r.stderr()
            .contains(
                "WARNING: Dockerfile:3: CopyIgnoredFile: Attempting to Copy file \".env\" that is"
                    + " excluded by .dockerignore"),
        r.stderr());
    assertTrue(r.stderr().contains("Check complete, 1 warning found."), r.stderr());
  }
}
