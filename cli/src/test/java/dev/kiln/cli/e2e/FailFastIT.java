package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A flag value that cannot work fails before the build starts, from the real jar: a usage error
 * (exit 2) that names the flag, the value and why, and no step runs (plain progress numbers every
 * step it starts, so its output has no {@code #N} line).
 */
class FailFastIT {
  @TempDir static Path home;
  static KilnCli kiln;
  static Path context;

  @BeforeAll
  static void aContextWithSteps() throws IOException {
    kiln = new KilnCli(home);
    context =
        kiln.context("app", Map.of("Dockerfile", "FROM scratch\nCOPY Dockerfile /\nENV A=1\n"));
    Files.writeString(home.resolve("a-file"), "x");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-t|Bad:Tag|ERROR: -t Bad:Tag: invalid image reference 'Bad:Tag': repository names must be"
            + " lowercase",
        "-t|app:1 2|ERROR: -t app:1 2: invalid tag '1 2'",
        "-o|type=image,name=App|ERROR: --output name=App: invalid image reference 'App'",
        "-o|type=nope|ERROR: --output 'type=nope': unknown type 'nope'",
        "--platform|linux/amd64/v3/x|ERROR: --platform linux/amd64/v3/x: invalid platform"
            + " 'linux/amd64/v3/x'",
        "--platform|linux/z80|ERROR: --platform linux/z80: \"linux/z80\": unknown operating"
            + " system or architecture",
        "--build-arg|=value|ERROR: --build-arg '=value': '' is not a build argument name",
        "--secret|id=npm,src=/nonexistent/npmrc|ERROR: --secret id=npm: src /nonexistent/npmrc:"
            + " No such file or directory",
        "--secret|id=npm,src=HOME|ERROR: --secret id=npm: src HOME is a directory",
        "--build-context|lib=/nonexistent/lib|ERROR: --build-context lib=/nonexistent/lib: no such"
            + " directory",
        "--build-context|lib=HOME/a-file|ERROR: --build-context lib=HOME/a-file: not a directory",
        "--build-context|base=oci-layout://HOME|ERROR: --build-context base=oci-layout://HOME: HOME"
            + " is not an OCI image layout",
        "--build-context|base=docker-image://Alpine|ERROR: --build-context"
            + " base=docker-image://Alpine: invalid image reference 'Alpine'"
      })
  void aBadValueFailsBeforeAnyStepNamingTheFlagAndTheValue(
      String flag, String value, String expected) {
    KilnCli.Result build =
        kiln.run(
                "build",
                "--progress=plain",
                flag,
                value.replace("HOME", home.toString()),
                context.toString())
            .exits(ExitCode.USAGE);
    String first = build.stderr().lines().findFirst().orElse("");
    assertTrue(first.startsWith(expected.replace("HOME", home.toString())), build.describe());
    assertTrue(build.stderr().contains("\nhint: "), build.describe());
    assertFalse(build.stderr().lines().anyMatch(l -> l.startsWith("#")), build.describe());
  }
}
