package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheEntryJsonTest {
  private static final Digest BLOB = Digest.sha256(new byte[] {1});
  private static final Digest DIFF = Digest.sha256(new byte[] {2});

  private static CacheEntry entry(byte[] config) {
    Descriptor blob =
        new Descriptor(
            MediaType.OCI_LAYER_GZIP,
            BLOB,
            10,
            List.of("https://example.com/l"),
            Map.of("a", "b"),
            null,
            null,
            null,
            null);
    History history =
        new History(
            "2026-01-01T00:00:00Z",
            "RUN make",
            "me",
            "c",
            null,
            Map.of("x-extra", IntNode.valueOf(7)));
    return new CacheEntry(
        TestResults.key("k"),
        new CacheResult(List.of(new CachedLayer(blob, DIFF, 20)), history, config),
        Instant.parse("2026-02-03T04:05:06.789Z"));
  }

  @Test
  void roundTripsEveryField() {
    CacheEntry entry = entry("{\"patch\":{\"a\":1}}".getBytes(StandardCharsets.UTF_8));
    assertEquals(entry, CacheEntryJson.read(CacheEntryJson.write(entry)));
  }

  @Test
  void theConfigChangeIsEmbeddedAsJsonNotAsOpaqueText() throws Exception {
    byte[] change =
        "{\"patch\":{\"config\":{\"Labels\":{\"k\":\"v\"}}}}".getBytes(StandardCharsets.UTF_8);
    JsonNode written = new ObjectMapper().readTree(CacheEntryJson.write(entry(change)));
    assertEquals(
        "v",
        written
            .path("configChange")
            .path("patch")
            .path("config")
            .path("Labels")
            .path("k")
            .asText());
    assertArrayEquals(
        change, CacheEntryJson.read(CacheEntryJson.write(entry(change))).result().configChange());
  }

  @Test
  void aConfigChangeThatIsNotJsonIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> CacheEntryJson.write(entry("not json".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void anotherSchemaOrBrokenDocumentIsRefusedWithAReason() {
    String other =
        new String(
                CacheEntryJson.write(entry("{}".getBytes(StandardCharsets.UTF_8))),
                StandardCharsets.UTF_8)
            .replace(CacheEntryJson.SCHEMA, "kiln.buildcache.entry.v0");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CacheEntryJson.read(other.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("kiln.buildcache.entry.v0"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> CacheEntryJson.read("{".getBytes(StandardCharsets.UTF_8)));
    String noKey =
        "{\"schema\":\"" + CacheEntryJson.SCHEMA + "\",\"created\":\"2026-01-01T00:00:00Z\"}";
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CacheEntryJson.read(noKey.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("key"), e.getMessage());
  }
}
