package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cli.ExitCode;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln pull} with the machine's registry files, as the real jar reads them: a short name
 * resolved by an alias in the registries.conf that {@code CONTAINERS_REGISTRIES_CONF} names, and
 * the errors for an ambiguous name and a broken file.
 */
class RegistrySettingsIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path home;

  static KilnCli kiln;
  static String digest;

  @BeforeAll
  static void pushAnImage() {
    kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
    Path context =
        kiln.context("app", Map.of("Dockerfile", "FROM busybox:test\nLABEL purpose=settings\n"));
    digest =
        kiln.run("build", "-q", "-t", "settings-app:1", context.toString()).ok().stdout().strip();
    kiln.run("push", "-q", "settings-app:1", registry.reference("settings/app:1")).ok();
  }

  private KilnCli with(String registriesConf) throws Exception {
    Path file = Files.createTempFile(home, "registries-", ".conf");
    Files.writeString(file, registriesConf, StandardCharsets.UTF_8);
    return kiln.withEnv("CONTAINERS_REGISTRIES_CONF", file.toString())
        .withEnv("KILN_CACHE_DIR", home.resolve("cache-" + file.getFileName()).toString());
  }

  @Test
  void aShortNameIsPulledThroughItsAlias() throws Exception {
    KilnCli aliased =
        with("[aliases]\n\"short-app\" = \"" + registry.reference("settings/app") + "\"\n");
    KilnCli.Result pull = aliased.run("pull", "-q", "short-app:1").ok();
    assertEquals(digest, pull.stdout().strip());
    assertTrue(registry.log().contains("/v2/settings/app/manifests/1"), registry.log());
  }

  @Test
  void anAmbiguousShortNameIsAUsageErrorWithAHint() throws Exception {
    KilnCli enforcing =
        with(
            "short-name-mode = \"enforcing\"\n"
                + "unqualified-search-registries = [\"quay.io\", \""
                + registry.hostPort()
                + "\"]\n");
    KilnCli.Result pull = enforcing.run("pull", "-q", "settings/app:1").exits(ExitCode.USAGE);
    assertTrue(
        pull.stderr().startsWith("ERROR: short name \"settings/app:1\" is ambiguous"),
        pull.describe());
    assertTrue(pull.stderr().contains("hint: name the image with its registry"), pull.describe());
  }

  @Test
  void aBrokenRegistriesConfIsAUsageErrorNamingTheLine() throws Exception {
    KilnCli broken = with("# comment\nunqualified-search-registries = [docker.io]\n");
    KilnCli.Result pull =
        broken.run("pull", "-q", registry.reference("settings/app:1")).exits(ExitCode.USAGE);
    assertTrue(pull.stderr().startsWith("ERROR: "), pull.describe());
    assertTrue(pull.stderr().contains(".conf:2: expected a value"), pull.describe());
  }
}
