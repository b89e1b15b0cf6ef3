package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.net.LocalNames;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds whose FROM follows the machine's registry files, found through the build request's
 * environment: a Docker Hub mirror from registries.conf, a short name resolved by
 * unqualified-search-registries, an insecure registry from daemon.json, and the errors for a broken
 * file and an ambiguous name.
 */
class RegistrySettingsBuildIT {
  static final LocalNames.Alias HOST = LocalNames.loopbackAlias();

  @RegisterExtension static LocalRegistry mirror = LocalRegistry.plain();

  @RegisterExtension
  static LocalRegistry named = LocalRegistry.plain().withHostName(HOST.name(), HOST.address());

  @RegisterExtension static LocalRegistry output = LocalRegistry.plain();

  @TempDir static Path work;
  @TempDir Path settings;
  static BuildHarness kiln;

  @BeforeAll
  static void seed() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
    Path base = kiln.context().dockerfile("FROM busybox:kiln\nENV SEEDED=yes\n").root();
    kiln.push(mirror, base, "library/kiln-hub-base:1", b -> {});
    kiln.build(
        base,
        b ->
            b.tag(named.reference("team/base:1"))
                .output(OutputSpecParser.parse("type=registry"))
                .insecureRegistry(named.hostPort()));
  }

  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOME", settings.resolve("home").toString());
    env.put("KILN_ETC_CONTAINERS", settings.resolve("etc/containers").toString());
    env.put("KILN_ETC_DOCKER", settings.resolve("etc/docker").toString());
    return env;
  }

  private Path write(String relative, String text) throws Exception {
    Path file = settings.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private UnpackedImage build(String from, String name) throws Exception {
    ContextDir ctx = kiln.context().dockerfile("FROM " + from + "\nRUN echo built > /built\n");
    return kiln.pushAndUnpack(output, ctx.root(), name, b -> b.environment(environment()));
  }

  @Test
  void aDockerHubBaseComesFromTheMirror() throws Exception {
    write(
        "etc/containers/registries.conf",
        "[[registry]]\nlocation = \"docker.io\"\n[[registry.mirror]]\nlocation = \""
            + mirror.hostPort()
            + "\"\n");
    UnpackedImage image = build("docker.io/library/kiln-hub-base:1", "settings/mirror:1");
    assertEquals("built\n", Files.readString(image.rootfs().resolve("built")));
    assertTrue(image.configJson().toString().contains("SEEDED=yes"), image.configJson().toString());
    assertTrue(mirror.log().contains("/v2/library/kiln-hub-base/manifests/1"), mirror.log());
  }

  @Test
  void aShortNameUsesTheSearchRegistriesAndDaemonJsonMakesThemInsecure() throws Exception {
    write(
        "etc/containers/registries.conf",
        "unqualified-search-registries = [\"" + named.hostPort() + "\"]\n");
    write("etc/docker/daemon.json", "{\"insecure-registries\": [\"" + named.hostPort() + "\"]}");
    UnpackedImage image = build("team/base:1", "settings/short:1");
    assertTrue(image.configJson().toString().contains("SEEDED=yes"), image.configJson().toString());
    assertTrue(named.log().contains("/v2/team/base/manifests/1"), named.log());
  }

  @Test
  void anAmbiguousShortNameFailsTheBuildSayingWhy() throws Exception {
    Path conf =
        write(
            "etc/containers/registries.conf",
            "short-name-mode = \"enforcing\"\nunqualified-search-registries = [\"quay.io\","
                + " \"docker.io\"]\n");
    BuildFailure failure =
        assertThrows(BuildFailure.class, () -> build("team/base:1", "settings/ambiguous:1"));
    // A step failure, shown at the FROM line, like any base image that cannot be resolved.
    assertEquals(BuildFailure.Kind.STEP, failure.kind());
    assertTrue(failure.getMessage().startsWith("Dockerfile:1:1: "), failure.getMessage());
    assertTrue(failure.getMessage().contains("ambiguous"), failure.getMessage());
    assertTrue(failure.getMessage().contains(conf.toString()), failure.getMessage());
    assertTrue(failure.hint().orElse("").contains("[aliases]"), failure.hint().toString());
  }

  @Test
  void aBrokenRegistriesConfIsAUsageErrorNamingFileAndLine() throws Exception {
    Path conf =
        write("etc/containers/registries.conf.d/bad.conf", "\n[[registry]]\nlocation = oops\n");
    BuildFailure failure =
        assertThrows(
            BuildFailure.class, () -> build("docker.io/library/kiln-hub-base:1", "settings/bad:1"));
    assertEquals(BuildFailure.Kind.USAGE, failure.kind());
    assertTrue(failure.getMessage().startsWith(conf + ":3: "), failure.getMessage());
  }
}
