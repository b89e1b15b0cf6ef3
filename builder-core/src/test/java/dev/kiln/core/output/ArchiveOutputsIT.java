package dev.kiln.core.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.registry.model.MediaType;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UnpackedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every archive and layout output, read back by skopeo and umoci rather than by kiln. */
class ArchiveOutputsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void ociLayoutUnpacksWithUmociAndKeepsOtherTags() throws Exception {
    BuiltImage image = TestImages.busybox(MediaType.OCI_MANIFEST);
    Path layout = temp.resolve("layout");
    new OciLayoutWriter(layout).write(image, List.of("example.com/app:1.0"));
    new OciLayoutWriter(layout).write(image, List.of("example.com/app:stable"));

    UnpackedImage unpacked = ImageInspector.unpackLayout(layout, "1.0", temp.resolve("u"));
    assertTrue(Files.isRegularFile(unpacked.rootfs().resolve("bin/busybox")));
    assertEquals(image.manifest().raw().asString(), unpacked.manifest());
    assertEquals(image.config().raw().asString(), unpacked.config());
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    assertEquals(2, index.path("manifests").size(), "tag 1.0 survives writing tag stable");
    String raw =
        ProcessRunner.run(List.of("skopeo", "inspect", "--raw", "oci:" + layout + ":stable"))
            .requireSuccess()
            .stdout();
    assertEquals(image.manifest().raw().asString(), raw);
  }

  @Test
  void ociArchiveIsReadBySkopeoAndIsDeterministic() throws Exception {
    BuiltImage image = TestImages.busybox(MediaType.OCI_MANIFEST);
    Path first = temp.resolve("a.tar");
    Path second = temp.resolve("b.tar");
    new OciArchiveWriter(first, System.out).write(image, List.of("app:v1"));
    new OciArchiveWriter(second, System.out).write(image, List.of("app:v1"));
    assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));

    String raw =
        ProcessRunner.run(List.of("skopeo", "inspect", "--raw", "oci-archive:" + first + ":v1"))
            .requireSuccess()
            .stdout();
    assertEquals(image.manifest().raw().asString(), raw);
    ProcessRunner.run(
            List.of(
                "skopeo",
                "--insecure-policy",
                "copy",
                "oci-archive:" + first + ":v1",
                "oci:" + temp.resolve("copied") + ":v1"))
        .requireSuccess();
    UnpackedImage unpacked =
        ImageInspector.unpackLayout(temp.resolve("copied"), "v1", temp.resolve("u"));
    assertEquals(Path.of("busybox"), Files.readSymbolicLink(unpacked.rootfs().resolve("bin/sh")));
  }

  @Test
  void dockerArchiveCarriesRepoTagsAndIsReadBySkopeo() throws Exception {
    BuiltImage image = TestImages.busybox(MediaType.DOCKER_MANIFEST);
    Path archive = temp.resolve("docker.tar");
    new DockerArchiveWriter(archive, System.out)
        .write(image, List.of("registry.example:5000/team/app:2", "app"));

    JsonNode inspect =
        JSON.readTree(
            ProcessRunner.run(List.of("skopeo", "inspect", "docker-archive:" + archive))
                .requireSuccess()
                .stdout());
    // skopeo names docker-archive layers by their uncompressed digest: the config's diffID.
    assertEquals(
        image.config().diffIds().get(0).toString(), inspect.path("Layers").path(0).asText());
    String tarList =
        ProcessRunner.run(List.of("tar", "-xOf", archive.toString(), "manifest.json"))
            .requireSuccess()
            .stdout();
    JsonNode manifestJson = JSON.readTree(tarList);
    assertEquals(
        "registry.example:5000/team/app:2", manifestJson.path(0).path("RepoTags").path(0).asText());
    assertEquals("app:latest", manifestJson.path(0).path("RepoTags").path(1).asText());

    ProcessRunner.run(
            List.of(
                "skopeo",
                "--insecure-policy",
                "copy",
                "docker-archive:" + archive,
                "oci:" + temp.resolve("fromdocker") + ":x"))
        .requireSuccess();
    UnpackedImage unpacked =
        ImageInspector.unpackLayout(temp.resolve("fromdocker"), "x", temp.resolve("u"));
    assertTrue(
        Files.readString(unpacked.rootfs().resolve("etc/group"), StandardCharsets.UTF_8)
            .contains("users:x:100:kiln"));
  }

  @Test
  void aFailedWriteLeavesNoArchiveAndNoTempFile() throws Exception {
    BuiltImage good = TestImages.busybox(MediaType.OCI_MANIFEST);
    BuiltImage broken = new BuiltImage(good.manifest(), good.config(), TestImages.failing());
    Path dest = temp.resolve("out").resolve("image.tar");
    assertThrows(
        IOException.class,
        () -> new OciArchiveWriter(dest, System.out).write(broken, List.of("a:1")));
    assertFalse(Files.exists(dest));
    try (Stream<Path> left = Files.list(dest.getParent())) {
      assertEquals(List.of(), left.toList(), "no temp file is left behind");
    }
  }
}
