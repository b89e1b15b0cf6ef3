package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.JsonBytes;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a tag gave a build is kept for --pull=missing, and an unchanged tag writes nothing. */
class ResolvedTagsTest {
  @TempDir Path dir;

  @Test
  void aTagIsFoundAgainAndRememberingItUnchangedWritesNothing() throws Exception {
    ContentStore store = ContentStore.open(dir.resolve("store"));
    JsonBytes config =
        JsonBytes.of(
            "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                .getBytes(StandardCharsets.UTF_8));
    store.blobWriter().write(config.toByteArray());
    ImageManifest manifest =
        ImageManifest.of(
            MediaType.OCI_MANIFEST, Descriptor.of(MediaType.OCI_CONFIG, config), List.of());
    ResolvedTags tags = new ResolvedTags(store);
    Platform platform = Platform.linuxAmd64();
    tags.remember("registry.example/app:1", platform, manifest);

    ResolvedTags.Remembered found = tags.find("registry.example/app:1", platform).orElseThrow();
    assertEquals(manifest.raw().digest(), found.manifest().raw().digest());
    assertTrue(tags.find("registry.example/app:2", platform).isEmpty());

    Path records = store.paths().kilnDirectory().resolve("resolved-tags");
    Path record;
    try (var files = Files.list(records)) {
      record = files.findFirst().orElseThrow();
    }
    Object before = Files.readAttributes(record, BasicFileAttributes.class).fileKey();
    tags.remember("registry.example/app:1", platform, manifest);
    assertEquals(
        before,
        Files.readAttributes(record, BasicFileAttributes.class).fileKey(),
        "an unchanged tag was written again");
  }
}
