package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Digest;
import dev.kiln.testdata.ProcessRunner;
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
 * The commands that manage kiln's local store and move images between places: {@code images},
 * {@code rmi}, {@code save}, {@code load} and {@code copy} (and {@code push docker://}), run as the
 * real jar, with the results read back by skopeo and by kiln in a second store.
 */
class StoreCommandsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

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
                "FROM busybox:test\nCOPY hello.txt /hello.txt\nCMD [\"cat\", \"/hello.txt\"]\n",
                "hello.txt",
                "hello from kiln\n"));
    digest =
        kiln.run(
                "build",
                "-q",
                "--source-date-epoch",
                "1700000000",
                "-t",
                "app:1",
                "-t",
                "app:2",
                context.toString())
            .ok()
            .stdout()
            .strip();
  }

  @Test
  void imagesListsTheStoreAsATableAndAsJson() throws Exception {
    Path unnamed =
        kiln.context("unnamed", Map.of("Dockerfile", "FROM busybox:test\nENV UNNAMED=1\n"));
    String untagged = kiln.run("build", "-q", unnamed.toString()).ok().stdout().strip();

    String table = kiln.run("images").ok().stdout();
    List<String> lines = table.lines().toList();
    assertTrue(lines.get(0).matches("REPOSITORY +TAG +DIGEST +PLATFORM +CREATED +SIZE"), table);
    String app1 = lines.stream().filter(l -> l.matches("app +1 .*")).findFirst().orElseThrow();
    assertTrue(app1.contains(digest.substring(0, "sha256:".length() + 12)), table);
    assertTrue(app1.contains("linux/"), table);
    String none =
        lines.stream()
            .filter(l -> l.contains(untagged.substring(0, 19)))
            .findFirst()
            .orElseThrow(() -> new AssertionError(table));
    assertTrue(none.startsWith("<none> "), table);
    int digestColumn = lines.get(0).indexOf("DIGEST");
    for (String line : lines) {
      assertEquals(
          "sha256:",
          line.equals(lines.get(0)) ? "sha256:" : line.substring(digestColumn, digestColumn + 7),
          "every row's digest starts in one column:\n" + table);
    }

    List<JsonNode> json =
        kiln.run("images", "--format", "json").ok().stdout().lines().map(Skopeo::json).toList();
    JsonNode named =
        json.stream()
            .filter(j -> "docker.io/library/app:1".equals(j.path("name").asText()))
            .findFirst()
            .orElseThrow();
    assertEquals(digest, named.path("digest").asText());
    assertEquals("docker.io/library/app", named.path("repository").asText());
    assertEquals("1", named.path("tag").asText());
    assertEquals("2023-11-14T22:13:20Z", named.path("created").asText());
    assertTrue(named.path("size").asLong() > 1000, named.toString());
    assertTrue(
        json.stream()
            .anyMatch(j -> j.path("name").isNull() && j.path("digest").asText().equals(untagged)),
        json.toString());

    String filtered = kiln.run("images", "app:2").ok().stdout();
    assertEquals(2, filtered.lines().count(), filtered);
  }

  @Test
  void rmiRemovesNamesAndAnImageByDigestOnlyWhenToldTo() {
    kiln.run("tag", "app:1", "gone:1").ok();
    kiln.run("tag", "app:1", "gone:2").ok();
    KilnCli.Result rmi = kiln.run("rmi", "gone:1").ok();
    assertEquals("Untagged: docker.io/library/gone:1 (" + digest + ")\n", rmi.stdout());
    assertFalse(
        kiln.run("images", "--format", "json").ok().stdout().contains("gone:1"),
        "gone:1 is no longer listed");

    kiln.run("tag", "app:1", "gone:3").ok();
    KilnCli.Result several = kiln.run("rmi", digest.substring(7, 7 + 12)).exits(2);
    assertTrue(several.stderr().contains("is named"), several.describe());
    assertTrue(several.stderr().contains("--force"), several.describe());

    KilnCli.Result missing = kiln.run("rmi", "nosuch:1", "gone:2").exits(2);
    assertTrue(missing.stderr().contains("no image nosuch:1"), missing.describe());
    assertTrue(missing.stdout().contains("Untagged: docker.io/library/gone:2"), missing.describe());
    assertTrue(kiln.run("inspect", "gone:3").ok().stdout().contains(digest));
  }

  @Test
  void saveWritesArchivesThatLoadIntoAnotherStoreUnderTheirNames() throws Exception {
    Path docker = home.resolve("saved-docker.tar");
    Path oci = home.resolve("saved-oci.tar");
    kiln.run("save", "app:1", "-o", docker.toString()).ok();
    kiln.run("export", "--format", "oci", "-o", oci.toString(), "app:1").ok();

    assertEquals(sha256(Skopeo.rawManifest("oci-archive:" + oci)), digest);
    String config = kiln.run("inspect", "--config", "app:1").ok().stdout();
    assertEquals(config, Skopeo.rawConfig("docker-archive:" + docker));

    KilnCli other = kiln.withEnv("KILN_CACHE_DIR", home.resolve("load-store").toString());
    KilnCli.Result load = other.run("load", "-i", docker.toString()).ok();
    assertEquals("Loaded image: docker.io/library/app:1\n", load.stdout());
    KilnCli.Result imported = other.run("import", oci.toString(), "-t", "renamed:7").ok();
    assertEquals("Loaded image: docker.io/library/renamed:7\n", imported.stdout());
    assertEquals(
        digest, Skopeo.json(other.run("inspect", "app:1").ok().stdout()).path("digest").asText());
    assertEquals(
        digest,
        Skopeo.json(other.run("inspect", "renamed:7").ok().stdout()).path("digest").asText());
  }

  @Test
  void loadReadsADockerSaveArchiveWithItsRepoTags() throws Exception {
    String source = registry.reference("legacy:1");
    kiln.run("push", "-q", "app:1", source).ok();
    Path legacy = home.resolve("legacy.tar");
    // skopeo writes the pre-Docker-25 format: manifest.json with RepoTags, no index.json.
    Skopeo.copy("docker://" + source, "docker-archive:" + legacy + ":example.org/team/legacy:7");

    KilnCli other = kiln.withEnv("KILN_CACHE_DIR", home.resolve("legacy-store").toString());
    KilnCli.Result load = other.run("load", legacy.toString()).ok();
    assertEquals("Loaded image: example.org/team/legacy:7\n", load.stdout());
    JsonNode loaded =
        Skopeo.json(other.run("inspect", "--config", "example.org/team/legacy:7").ok().stdout());
    assertEquals(
        Skopeo.json(Skopeo.rawConfig("docker://" + source)).path("rootfs"), loaded.path("rootfs"));
  }

  @Test
  void copyAndPushKeepAMultiPlatformIndexFromRegistryToRegistry() throws Exception {
    Path layout = multiPlatformLayout();
    String source = registry.reference("multi-src:1");
    kiln.run("push", "-q", "oci:" + layout + ":multi", source).ok();
    String index = Skopeo.rawManifest("docker://" + source);
    String indexDigest = sha256(index);

    String copied = registry.reference("multi-copy:1");
    KilnCli.Result copy = kiln.run("copy", "-q", "docker://" + source, "docker://" + copied).ok();
    assertEquals(registry.reference("multi-copy") + "@" + indexDigest, copy.stdout().strip());
    assertEquals(index, Skopeo.rawManifest("docker://" + copied));
    assertEquals("arm64", architectureOf("arm64", copied));
    assertEquals("amd64", architectureOf("amd64", copied));

    String pushed = registry.reference("multi-push:1");
    kiln.run("push", "-q", "docker://" + source, pushed).ok();
    assertEquals(index, Skopeo.rawManifest("docker://" + pushed));
    assertEquals("arm64", architectureOf("arm64", pushed));

    // Elsewhere than a registry, one platform's image is written.
    Path file = home.resolve("arm64.tar");
    String one =
        kiln.run(
                "copy",
                "-q",
                "--platform",
                "linux/arm64",
                "docker://" + source,
                "oci-archive:" + file)
            .ok()
            .stdout()
            .strip();
    assertEquals(one, sha256(Skopeo.rawManifest("oci-archive:" + file)));
    assertEquals(
        "arm64",
        Skopeo.json(Skopeo.rawConfig("oci-archive:" + file)).path("architecture").asText());
  }

  @Test
  void copyRefusesADestinationThatCanOnlyBeAPath() {
    KilnCli.Result r = kiln.run("copy", "app:1", "./out.tar").exits(2);
    assertTrue(r.stderr().contains("oci-archive:./out.tar"), r.describe());
  }

  /**
   * An OCI layout holding an index of two images, linux/amd64 and linux/arm64, each built by kiln
   * for its platform (FROM scratch, so no step runs).
   */
  private static Path multiPlatformLayout() throws Exception {
    Path layout = home.resolve("multi-layout");
    for (String arch : List.of("amd64", "arm64")) {
      Path context =
          kiln.context(
              "multi-" + arch,
              Map.of("Dockerfile", "FROM scratch\nCOPY arch /arch\n", "arch", arch + "\n"));
      kiln.run(
              "build",
              "-q",
              "--platform",
              "linux/" + arch,
              "-t",
              "multi:" + arch,
              "-o",
              "type=oci,tar=false,dest=" + layout,
              context.toString())
          .ok();
    }
    ObjectNode indexJson = (ObjectNode) JSON.readTree(layout.resolve("index.json").toFile());
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", "application/vnd.oci.image.index.v1+json");
    ArrayNode manifests = index.putArray("manifests");
    for (JsonNode entry : indexJson.path("manifests")) {
      String arch = entry.path("annotations").path("org.opencontainers.image.ref.name").asText();
      ObjectNode d = manifests.addObject();
      d.put("mediaType", entry.path("mediaType").asText());
      d.put("digest", entry.path("digest").asText());
      d.put("size", entry.path("size").asLong());
      d.putObject("platform").put("architecture", arch).put("os", "linux");
    }
    byte[] bytes = JSON.writeValueAsBytes(index);
    Digest d = Digest.sha256(bytes);
    Files.write(layout.resolve("blobs/sha256").resolve(d.hex()), bytes);
    ObjectNode entry = ((ArrayNode) indexJson.path("manifests")).addObject();
    entry.put("mediaType", "application/vnd.oci.image.index.v1+json");
    entry.put("digest", d.toString());
    entry.put("size", bytes.length);
    entry.putObject("annotations").put("org.opencontainers.image.ref.name", "multi");
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(indexJson));
    return layout;
  }

  private static String architectureOf(String arch, String reference) throws Exception {
    String config =
        ProcessRunner.run(
                List.of(
                    "skopeo",
                    "--override-arch",
                    arch,
                    "inspect",
                    "--tls-verify=false",
                    "--config",
                    "--raw",
                    "docker://" + reference))
            .requireSuccess()
            .stdout();
    return JSON.readTree(config).path("architecture").asText();
  }

  static String sha256(String text) {
    return Digest.sha256(text.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
