package dev.kiln.api.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.build.BuildResult;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.Podman;
import dev.kiln.testdata.image.UmociLayouts;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small program builds an image through the recipe API, as a Java caller without a Dockerfile
 * would: busybox as the base, a script and a directory as layers, config; podman runs the archive
 * and skopeo reads what was pushed. Nothing kiln wrote is read back by kiln.
 */
class ImageRecipeIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  @TempDir Path temp;

  @Test
  void anImageFromFilesRunsInPodmanAndIsPushedAsBuilt() throws Exception {
    Path base = UmociLayouts.busybox(temp.resolve("busybox"), "1.0");
    Path script = temp.resolve("bin/greet");
    Files.createDirectories(script.getParent());
    Files.writeString(
        script, "#!/bin/sh\necho \"$GREETING from $(cat /srv/data/name.txt) as $(id -u)\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = Files.createDirectories(temp.resolve("data"));
    Files.writeString(data.resolve("name.txt"), "a recipe");
    ImageRecipe recipe =
        ImageRecipe.fromLayout(base, "1.0")
            .addLayer(LayerSource.of(data, "/srv/data"))
            .addLayer(LayerSource.of(script, "/usr/local/bin/greet"))
            .env("GREETING", "hello \"$USER\"")
            .workingDirectory("/srv")
            .user("1000:1000")
            .label("org.opencontainers.image.title", "greeter")
            .entrypoint("/usr/local/bin/greet")
            .configure(b -> b.cacheDir(temp.resolve("cache")).sourceDateEpoch(1704067200));

    Path archive = temp.resolve("greeter.tar");
    recipe.containerize(Destination.ociArchive(archive, "greeter:1"));
    ProcessRunner.Result ran =
        Podman.runArchive(archive, temp.resolve("podman"), List.of()).requireSuccess();
    assertEquals("hello \"$USER\" from a recipe as 1000", ran.stdout().trim(), ran.stderr());

    String reference = registry.reference("greeter:1");
    BuildResult pushed = recipe.containerize(Destination.registry(reference));
    JsonNode inspected = ImageInspector.of(registry).inspect("greeter:1");
    assertEquals(pushed.imageDigest().orElseThrow().toString(), inspected.path("Digest").asText());
    JsonNode config =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(ImageInspector.of(registry).rawConfig("greeter:1"));
    assertEquals("/srv", config.path("config").path("WorkingDir").asText());
    assertEquals("1000:1000", config.path("config").path("User").asText());
    assertEquals(
        "greeter",
        config.path("config").path("Labels").path("org.opencontainers.image.title").asText());
    assertEquals("2024-01-01T00:00:00Z", config.path("created").asText());
    assertTrue(
        config.path("config").path("Env").toString().contains("GREETING=hello \\\"$USER\\\""),
        config.toString());
    // busybox's layer and one per LayerSource.
    assertEquals(3, inspected.path("Layers").size(), inspected.toString());
  }
}
