package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.ExitCode;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that is down, as a person sees it from the real jar: a real registry is started, its
 * address noted, and stopped, so nothing listens there any more. Login, pull and an ADD of a URL on
 * it each name what they were doing, the address and the system's reason, with the exit code the
 * README gives (3 for a registry, 1 for a build step).
 */
class NetworkDownIT {
  @TempDir static Path home;
  static KilnCli kiln;
  static String down;

  @BeforeAll
  static void aRegistryThatWasThereAndIsNot() {
    kiln = new KilnCli(home);
    try (LocalRegistry registry = LocalRegistry.plain()) {
      registry.start();
      down = registry.hostPort();
    }
  }

  @Test
  void loginToARegistryThatIsDownNamesItAndTheConnectionFailure() {
    KilnCli.Result login =
        kiln.runWithInput("secret\n", "login", "--username", "me", "--password-stdin", down)
            .exits(ExitCode.REGISTRY);
    assertTrue(
        login
            .stderr()
            .startsWith("ERROR: logging in to " + down + ": cannot connect: Connection refused;"),
        login.describe());
    assertFalse(login.stderr().contains("internal error"), login.describe());
    assertFalse(login.stderr().contains("Exception"), login.describe());
  }

  @Test
  void aPullFromARegistryThatIsDownSaysItCannotConnect() {
    String ref = down + "/app:1";
    KilnCli.Result pull = kiln.run("pull", ref).exits(ExitCode.REGISTRY);
    assertTrue(
        pull.stderr()
            .startsWith("ERROR: pulling manifest " + ref + ": cannot connect: Connection refused;"),
        pull.describe());
  }

  @Test
  void anAddOfAUrlWhoseServerIsDownNamesTheUrlTheLineAndTheCause() {
    String url = "http://" + down + "/files/app.tar.gz";
    Path context =
        kiln.context("add-url", Map.of("Dockerfile", "FROM scratch\nENV A=1\nADD " + url + " /\n"));
    KilnCli.Result build = kiln.run("build", "-q", context.toString()).exits(ExitCode.BUILD_FAILED);
    assertEquals(
        "ERROR: Dockerfile:3:1: ADD "
            + url
            + ": cannot connect to "
            + down
            + ": Connection refused\n"
            + "    3 | ADD "
            + url
            + " /\n"
            + "      | ^\n"
            + "hint: check the URL, and that its server is up and reachable from this machine\n",
        build.stderr());
  }
}
