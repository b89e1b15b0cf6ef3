package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.testdata.image.RandomImages;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-platform images through the real jar: {@code kiln build --platform a,b} writes an index,
 * {@code kiln pull --all-platforms} and {@code kiln push} carry an index whole (same digest),
 * {@code kiln index} assembles one from images built separately; each result read by skopeo.
 */
class MultiPlatformCommandsIT {
  private static final List<String> TWO = List.of("linux/amd64", "linux/arm64");

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path home;

  @Test
  void buildWithTwoPlatformsWritesAnIndexToAnOciArchive() {
    KilnCli kiln = new KilnCli(home);
    Path context =
        kiln.context(
            "scratch",
            Map.of(
                "Dockerfile",
                "FROM scratch\nARG TARGETARCH\nCOPY $TARGETARCH.txt /arch.txt\n",
                "amd64.txt",
                "amd64\n",
                "arm64.txt",
                "arm64\n"));
    Path archive = home.resolve("app.tar");
    String digest =
        kiln.run(
                "build",
                "-q",
                "--platform",
                "linux/amd64",
                "--platform=linux/arm64",
                "-t",
                "app:1",
                "-o",
                "type=oci,dest=" + archive,
                context.toString())
            .ok()
            .stdout()
            .strip();
    String raw = Skopeo.rawManifest("oci-archive:" + archive + ":1");
    assertEquals(digest, sha256(raw));
    JsonNode index = Skopeo.json(raw);
    assertEquals(MediaType.OCI_INDEX, index.path("mediaType").asText());
    assertEquals(TWO, platforms(index));

    KilnCli.Result docker =
        kiln.run(
                "build",
                "--platform",
                "linux/amd64,linux/arm64",
                "-o",
                "type=docker,dest=" + home.resolve("d.tar"),
                context.toString())
            .exits(2);
    assertTrue(docker.stderr().contains("type=docker"), docker.describe());
  }

  @Test
  void pullAllPlatformsThenPushKeepsTheIndex() {
    KilnCli kiln = new KilnCli(home);
    Path layout = RandomImages.index(home.resolve("random"), "v1", 17, 2, TWO);
    String source = registry.reference("idx:1");
    kiln.run("push", "-q", "oci:" + layout + ":v1", source).ok();
    String raw = Skopeo.rawManifest("docker://" + source);
    assertEquals(TWO, platforms(Skopeo.json(raw)));

    KilnCli other = kiln.withEnv("KILN_CACHE_DIR", home.resolve("other-cache").toString());
    String pulled = other.run("pull", "--all-platforms", source).ok().stdout().strip();
    assertEquals(sha256(raw), pulled, "the store holds the index itself");
    String copy = registry.reference("idx:copy");
    other.run("push", "-q", source, copy).ok();
    assertEquals(raw, Skopeo.rawManifest("docker://" + copy), "the index arrives unchanged");

    Path dir = home.resolve("pulled-layout");
    other.run("pull", "-q", "--all-platforms", "-o", "type=oci,tar=false,dest=" + dir, source).ok();
    assertEquals(raw, Skopeo.rawManifest("oci:" + dir));

    KilnCli.Result both =
        other.run("pull", "--all-platforms", "--platform", "linux/arm64", source).exits(2);
    assertTrue(both.stderr().contains("--all-platforms"), both.describe());
  }

  @Test
  void indexAssemblesImagesBuiltSeparatelyKeepingTheirDigests() {
    KilnCli kiln = new KilnCli(home);
    List<String> digests = new ArrayList<>();
    for (String platform : TWO) {
      String arch = platform.substring("linux/".length());
      Path context =
          kiln.context(
              "ctx-" + arch,
              Map.of("Dockerfile", "FROM scratch\nCOPY a.txt /a.txt\n", "a.txt", arch + "\n"));
      digests.add(
          kiln.run("build", "-q", "--platform", platform, "-t", "app:" + arch, context.toString())
              .ok()
              .stdout()
              .strip());
    }
    String target = registry.reference("assembled:1");
    String digest = kiln.run("index", target, "app:amd64", "app:arm64").ok().stdout().strip();
    String raw = Skopeo.rawManifest("docker://" + target);
    assertEquals(digest, sha256(raw));
    JsonNode index = Skopeo.json(raw);
    assertEquals(MediaType.OCI_INDEX, index.path("mediaType").asText());
    assertEquals(TWO, platforms(index));
    List<String> listed = new ArrayList<>();
    index.path("manifests").forEach(m -> listed.add(m.path("digest").asText()));
    assertEquals(digests, listed, "each image keeps its digest");

    String local = kiln.run("index", "--local", "app:both", "app:amd64", "app:arm64").ok().stdout();
    assertEquals(digest, local.strip(), "the same index, named in the store");
    KilnCli.Result twice = kiln.run("index", target, "app:amd64", "app:amd64").exits(2);
    assertTrue(twice.stderr().contains("both for linux/amd64"), twice.describe());
  }

  /**
   * {@code kiln index} of images built with {@code --sbom}: each source is an index of its image
   * and its attestation manifest; the assembled index lists both images, then both attestation
   * manifests with their annotations, instead of refusing two {@code unknown/unknown} entries.
   */
  @Test
  void indexKeepsTheAttestationManifestsOfItsSources() {
    KilnCli kiln = new KilnCli(home);
    for (String platform : TWO) {
      String arch = platform.substring("linux/".length());
      Path context =
          kiln.context(
              "sbom-" + arch,
              Map.of("Dockerfile", "FROM scratch\nCOPY a.txt /a.txt\n", "a.txt", arch + "\n"));
      kiln.run(
              "build",
              "-q",
              "--platform",
              platform,
              "--sbom=true",
              "--push",
              "-t",
              registry.reference("sbom-src:" + arch),
              context.toString())
          .ok();
    }
    String target = registry.reference("sbom-assembled:1");
    kiln.run(
            "index",
            target,
            registry.reference("sbom-src:amd64"),
            registry.reference("sbom-src:arm64"))
        .ok();
    JsonNode index = Skopeo.json(Skopeo.rawManifest("docker://" + target));
    assertEquals(
        List.of("linux/amd64", "linux/arm64", "unknown/unknown", "unknown/unknown"),
        platforms(index),
        index.toString());
    JsonNode manifests = index.path("manifests");
    for (int i = 0; i < 2; i++) {
      JsonNode annotations = manifests.get(2 + i).path("annotations");
      assertEquals(
          "attestation-manifest",
          annotations.path("vnd.docker.reference.type").asText(),
          index.toString());
      assertEquals(
          manifests.get(i).path("digest").asText(),
          annotations.path("vnd.docker.reference.digest").asText());
    }
  }

  private static List<String> platforms(JsonNode index) {
    List<String> platforms = new ArrayList<>();
    for (JsonNode m : index.path("manifests")) {
      platforms.add(
          m.path("platform").path("os").asText()
              + "/"
              + m.path("platform").path("architecture").asText());
    }
    return platforms;
  }

  private static String sha256(String text) {
    return Digest.sha256(text.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
