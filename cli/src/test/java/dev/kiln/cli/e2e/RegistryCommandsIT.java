package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.registry.model.Digest;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln push}, {@code pull}, {@code inspect} and {@code tag} run as the real jar against a
 * real registry, with every result checked by skopeo.
 */
class RegistryCommandsIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path home;

  static KilnCli kiln;
  static String digest;

  @BeforeAll
  static void buildAnImage() {
    kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
    Path context =
        kiln.context(
            "app",
            Map.of(
                "Dockerfile",
                "FROM busybox:test\n"
                    + "RUN echo built > /built.txt\n"
                    + "COPY hello.txt /hello.txt\n"
                    + "LABEL org.example.purpose=e2e\n"
                    + "CMD [\"cat\", \"/hello.txt\"]\n",
                "hello.txt",
                "hello from kiln\n"));
    digest = kiln.run("build", "-q", "-t", "app:1", context.toString()).ok().stdout().strip();
    assertTrue(digest.startsWith("sha256:"), digest);
  }

  @Test
  void pushFromTheLocalStoreThenPullIntoAnotherStoreGivesTheSameImage() throws Exception {
    String target = registry.reference("roundtrip:1");
    KilnCli.Result push = kiln.run("push", "--progress=plain", "app:1", target).ok();
    assertEquals(registry.reference("roundtrip") + "@" + digest, push.stdout().strip());
    assertTrue(push.stderr().contains("blobs uploaded"), push.describe());
    assertEquals(digest, sha256(Skopeo.rawManifest("docker://" + target)));

    KilnCli.Result again = kiln.run("push", "--progress=plain", "app:1", target).ok();
    assertTrue(again.stderr().contains("the registry had it already"), again.describe());

    KilnCli other = kiln.withEnv("KILN_CACHE_DIR", home.resolve("other-cache").toString());
    KilnCli.Result pull = other.run("pull", "--progress=plain", target).ok();
    assertEquals(digest, pull.stdout().strip());
    assertTrue(
        pull.stderr().contains("pulled sha256:"), "transfers are reported: " + pull.describe());
    String index = Files.readString(home.resolve("other-cache/index.json"));
    assertTrue(index.contains("\"" + target + "\""), "the store names it by reference: " + index);

    JsonNode pulled = Skopeo.json(other.run("inspect", target).ok().stdout());
    assertTrue(pulled.path("source").asText().contains("local store"), pulled.toString());
    Path derived =
        other.context("derived", Map.of("Dockerfile", "FROM " + target + "\nENV DERIVED=1\n"));
    other.run("build", "-q", derived.toString()).ok();
  }

  @Test
  void pullWritesALayoutAnOciArchiveAndADockerArchive() throws Exception {
    String target = registry.reference("files:1");
    kiln.run("push", "-q", "app:1", target).ok();
    Path layout = home.resolve("pulled-layout");
    Path ociTar = home.resolve("pulled-oci.tar");
    Path dockerTar = home.resolve("pulled-docker.tar");
    // A store that does not have the image yet: its layers are downloaded by this pull.
    KilnCli fresh = kiln.withEnv("KILN_CACHE_DIR", home.resolve("layout-cache").toString());
    fresh.run("pull", "-q", "-o", "type=oci,tar=false,dest=" + layout, target).ok();
    kiln.run("pull", "-q", "-o", "type=oci,dest=" + ociTar, target).ok();
    kiln.run("pull", "-q", "-o", "type=docker,dest=" + dockerTar, target).ok();

    assertEquals(digest, sha256(Skopeo.rawManifest("oci:" + layout + ":1")));
    // The layout's layers are the store's files, linked: each pulled byte is written once.
    for (JsonNode layer : Skopeo.json(Skopeo.rawManifest("oci:" + layout + ":1")).path("layers")) {
      String hex = layer.path("digest").asText().substring("sha256:".length());
      assertTrue(
          Files.isSameFile(
              layout.resolve("blobs/sha256/" + hex),
              fresh.cacheDir().resolve("blobs/sha256/" + hex)),
          "layer " + hex + " is linked from the store");
    }
    assertEquals(digest, sha256(Skopeo.rawManifest("oci-archive:" + ociTar + ":1")));
    String config = Skopeo.rawConfig("docker://" + target);
    // skopeo rebuilds a docker archive's manifest, so compare what it cannot change: the config.
    assertEquals(config, Skopeo.rawConfig("docker-archive:" + dockerTar));
  }

  @Test
  void pushReadsLayoutsOciArchivesAndOldDockerArchives() throws Exception {
    String source = registry.reference("layout-source:1");
    kiln.run("push", "-q", "app:1", source).ok();
    Path layout = home.resolve("skopeo-layout");
    Path ociTar = home.resolve("skopeo-oci.tar");
    Path legacyTar = home.resolve("skopeo-docker.tar");
    Skopeo.copy("docker://" + source, "oci:" + layout + ":v1");
    Skopeo.copy("docker://" + source, "oci-archive:" + ociTar + ":v1");
    // skopeo writes the pre-Docker-25 format: manifest.json, <id>/layer.tar, <hex>.json.
    Skopeo.copy("docker://" + source, "docker-archive:" + legacyTar + ":legacy/app:7");

    String fromLayout = registry.reference("from-layout:1");
    kiln.run("push", "-q", "oci-layout://" + layout + ":v1", fromLayout).ok();
    assertEquals(digest, sha256(Skopeo.rawManifest("docker://" + fromLayout)));
    kiln.run("push", "-q", layout + ":v1", registry.reference("from-dir:1")).ok();
    assertEquals(
        digest, sha256(Skopeo.rawManifest("docker://" + registry.reference("from-dir:1"))));
    kiln.run("push", "-q", ociTar.toString(), registry.reference("from-oci-tar:1")).ok();
    assertEquals(
        digest, sha256(Skopeo.rawManifest("docker://" + registry.reference("from-oci-tar:1"))));

    String fromLegacy = registry.reference("from-legacy:7");
    kiln.run("push", "-q", legacyTar.toString(), fromLegacy).ok();
    JsonNode original = Skopeo.json(Skopeo.rawConfig("docker://" + source));
    JsonNode pushed = Skopeo.json(Skopeo.rawConfig("docker://" + fromLegacy));
    assertEquals(original.path("rootfs"), pushed.path("rootfs"), "same layers (diff IDs)");
    assertEquals(original.path("config"), pushed.path("config"));
  }

  @Test
  void aLayerWhoseBytesTheRegistryDamagedIsNeverKept() throws Exception {
    Path context =
        kiln.context(
            "damaged",
            Map.of(
                "Dockerfile",
                "FROM scratch\nCOPY data.txt /data.txt\n",
                "data.txt",
                "only this test's layer has these bytes: " + System.nanoTime() + "\n"));
    String target = registry.reference("damaged:1");
    kiln.run("build", "-q", "-t", target, "--push", context.toString()).ok();
    String layer =
        Skopeo.json(Skopeo.rawManifest("docker://" + target))
            .path("layers")
            .get(0)
            .path("digest")
            .asText();
    String hex = layer.substring("sha256:".length());
    // Same size, one byte changed, as a broken proxy or disk would: docker-registry serves it.
    Path data =
        registry
            .storage()
            .resolve(
                "docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
    byte[] bytes = Files.readAllBytes(data);
    bytes[bytes.length / 2] ^= 1;
    Files.write(data, bytes);

    KilnCli other = kiln.withEnv("KILN_CACHE_DIR", home.resolve("damaged-cache").toString());
    Path layout = home.resolve("damaged-layout");
    KilnCli.Result pull =
        other.run("pull", "-q", "-o", "type=oci,tar=false,dest=" + layout, target);
    assertTrue(pull.exitCode() != 0, pull.describe());
    assertTrue(pull.stderr().contains(layer), pull.describe());
    assertTrue(pull.stderr().contains("damaged"), "names the image: " + pull.describe());
    assertFalse(pull.stderr().contains("Exception"), pull.describe());
    assertFalse(
        Files.exists(home.resolve("damaged-cache/blobs/sha256/" + hex)), "not in the store");
    assertFalse(Files.exists(layout.resolve("blobs/sha256/" + hex)), "not in the layout");
    assertTrue(other.run("pull", "-q", target).exitCode() != 0);
    assertFalse(Files.exists(home.resolve("damaged-cache/blobs/sha256/" + hex)));
  }

  @Test
  void inspectPrintsTheStoredBytesAndASummary() throws Exception {
    String target = registry.reference("inspect:1");
    kiln.run("push", "-q", "app:1", target).ok();

    String raw = kiln.run("inspect", "--raw", "docker://" + target).ok().stdout();
    assertEquals(Skopeo.rawManifest("docker://" + target), raw);
    assertEquals(digest, sha256(raw));
    String config = kiln.run("inspect", "--config", "app:1").ok().stdout();
    assertEquals(Skopeo.rawConfig("docker://" + target), config);

    JsonNode summary = Skopeo.json(kiln.run("inspect", target).ok().stdout());
    assertEquals(digest, summary.path("digest").asText());
    assertEquals("e2e", summary.path("config").path("labels").path("org.example.purpose").asText());
    assertEquals("[\"cat\",\"/hello.txt\"]", summary.path("config").path("cmd").toString());
    assertEquals(3, summary.path("layers").size(), summary.toString());
    assertTrue(summary.path("source").asText().startsWith("registry"), summary.toString());
    JsonNode local = Skopeo.json(kiln.run("inspect", "app:1").ok().stdout());
    assertTrue(local.path("source").asText().contains("local store"), local.toString());
  }

  @Test
  void tagNamesAnImageInTheStoreOrInTheRegistryWithoutMovingBlobs() throws Exception {
    kiln.run("tag", "app:1", "app:renamed").ok();
    JsonNode renamed = Skopeo.json(kiln.run("inspect", "app:renamed").ok().stdout());
    assertEquals(digest, renamed.path("digest").asText());

    String target = registry.reference("tagged:1");
    kiln.run("push", "-q", "app:1", target).ok();
    KilnCli.Result tag = kiln.run("tag", target, "stable").ok();
    assertTrue(tag.stderr().contains("in the registry"), tag.describe());
    List<String> tags = Skopeo.tags("docker://" + registry.reference("tagged"));
    assertTrue(tags.containsAll(List.of("1", "stable")), tags.toString());
    assertEquals(
        digest, sha256(Skopeo.rawManifest("docker://" + registry.reference("tagged:stable"))));

    KilnCli.Result elsewhere = kiln.run("tag", target, registry.reference("other:1")).exits(2);
    assertTrue(elsewhere.stderr().contains("within one repository"), elsewhere.describe());
  }

  @Test
  void pushingAnImageThatIsNowhereSaysWhereKilnLooked() {
    KilnCli.Result missing = kiln.run("push", "nosuch:1", registry.reference("nosuch:1")).exits(2);
    assertTrue(
        missing
            .stderr()
            .contains("ERROR: no image docker.io/library/nosuch:1 in kiln's local store"),
        missing.describe());
    assertTrue(missing.stderr().contains("hint: build it with kiln build -t nosuch:1"));
    assertFalse(missing.stderr().contains("Exception"), "no stack trace without --debug");
  }

  static String sha256(String text) {
    return Digest.sha256(text.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
