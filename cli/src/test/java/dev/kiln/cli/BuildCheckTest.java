package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Kiln;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build checks through the real engine: {@code --check} / {@code --call=check} print BuildKit's
 * warnings with file:line and build nothing; {@code # check=error=true} fails a build before any
 * step runs. Dockerfiles start FROM scratch, so no registry is needed.
 */
class BuildCheckTest {
  @TempDir Path temp;

  record Result(int exitCode, String stdout, String stderr) {}

  private Result kiln(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliEnvironment cli =
        new CliEnvironment(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("HOME", temp.toString()),
            false,
            Kiln::new);
    int code = Main.run(cli, args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private Path context(String dockerfile) throws Exception {
    Path ctx = Files.createDirectories(temp.resolve("ctx"));
    Files.writeString(ctx.resolve("Dockerfile"), dockerfile);
    return ctx;
  }

  private String[] build(Path ctx, String... flags) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of("build", "--progress=plain", "--cache-dir", temp.resolve("store").toString()));
    args.addAll(List.of(flags));
    args.add(ctx.toString());
    return args.toArray(String[]::new);
  }

  @Test
  void checkPrintsTheWarningsAndBuildsNothing() throws Exception {
    Path ctx = context("FROM scratch as Base\nENV A=$UNSET\nCMD run\n");
    for (String flag : List.of("--check", "--call=check")) {
      Result r = kiln(build(ctx, flag));
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
    Result clean = kiln(build(context("FROM scratch\nCMD [\"run\"]\n"), "--check"));
    assertEquals(0, clean.exitCode(), clean.stderr());
    assertTrue(clean.stderr().contains("Check complete, no warnings found."), clean.stderr());
  }

  @Test
  void errorTrueFailsTheBuildBeforeAnyStep() throws Exception {
    Path ctx = context("# check=error=true\nFROM scratch\nMAINTAINER me\n");
    Result r = kiln(build(ctx));
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("WARNING: Dockerfile:3: MaintainerDeprecated:"), r.stderr());
    assertTrue(
        r.stderr().contains("lint violation found for rules: MaintainerDeprecated"), r.stderr());
    assertFalse(r.stderr().contains("#2 "), "no step ran: " + r.stderr());
    Result skipped = kiln(build(ctx, "--build-arg", "BUILDKIT_DOCKERFILE_CHECK=skip=all"));
    assertEquals(0, skipped.exitCode(), skipped.stderr());
  }

  @Test
  void anUnknownCallIsRefused() throws Exception {
    Result r = kiln(build(context("FROM scratch\n"), "--call=outline"));
    assertEquals(2, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("--call=outline is not supported"), r.stderr());
  }
}
