package dev.kiln.cache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciIndexFileTest {
  private static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  @TempDir Path root;

  private static Digest digest(String seed) {
    return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void newStoreHasAnEmptyValidIndex() throws Exception {
    ContentStore.open(root);
    JsonNode index = new ObjectMapper().readTree(root.resolve("index.json").toFile());
    assertEquals(2, index.get("schemaVersion").asInt());
    assertEquals(OciIndexFile.INDEX_MEDIA_TYPE, index.get("mediaType").asText());
    assertEquals(0, index.get("manifests").size());
    assertEquals(
        "{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(root.resolve("oci-layout")));
  }

  @Test
  void tagReplacesTheEntryWithTheSameNameAndUntagRemovesIt() throws Exception {
    OciIndexFile index = ContentStore.open(root).index();
    index.tag("app:1", IndexEntry.of(MANIFEST, digest("a"), 10));
    index.tag("app:2", IndexEntry.of(MANIFEST, digest("b"), 20));
    index.tag("app:1", IndexEntry.of(MANIFEST, digest("c"), 30));

    assertEquals(
        List.of("app:2", "app:1"), index.entries().stream().map(e -> e.refName().get()).toList());
    assertEquals(digest("c"), index.find("app:1").get().digest());
    assertTrue(index.untag("app:1"));
    assertFalse(index.untag("app:1"));
    assertEquals(Optional.empty(), index.find("app:1"));
    assertEquals(1, index.entries().size());
  }

  @Test
  void fieldsKilnDoesNotModelSurviveAnUpdate() throws Exception {
    ContentStore store = ContentStore.open(root);
    String written =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\","
            + "\"annotations\":{\"top\":\"level\"},\"manifests\":[{\"mediaType\":\""
            + MANIFEST
            + "\",\"digest\":\""
            + digest("x")
            + "\",\"size\":7,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\","
            + "\"variant\":\"v8\"},\"artifactType\":\"t\",\"annotations\":{\"k\":\"v\"}}]}";
    Files.writeString(root.resolve("index.json"), written);

    store.index().tag("new", IndexEntry.of(MANIFEST, digest("y"), 8));

    JsonNode index = new ObjectMapper().readTree(root.resolve("index.json").toFile());
    assertEquals("level", index.at("/annotations/top").asText());
    JsonNode kept = index.get("manifests").get(0);
    assertEquals("v8", kept.at("/platform/variant").asText());
    assertEquals("t", kept.get("artifactType").asText());
    assertEquals("v", kept.at("/annotations/k").asText());
    IndexEntry entry = store.index().entries().get(0);
    assertEquals(
        Map.of("architecture", "arm64", "os", "linux", "variant", "v8"),
        entry.otherFields().get("platform"));
  }

  @Test
  void concurrentTaggingFromManyThreadsLosesNoEntry() throws Exception {
    OciIndexFile index = ContentStore.open(root).index();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        String name = "img:" + i;
        tasks.add(
            () -> {
              index.tag(name, IndexEntry.of(MANIFEST, digest(name), 1));
              return null;
            });
      }
      for (Future<Void> f : pool.invokeAll(tasks)) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Set<String> names =
        index.entries().stream().map(e -> e.refName().get()).collect(Collectors.toSet());
    assertEquals(60, names.size());
  }
}
