package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.buildcache.CacheResult;
import dev.kiln.cache.buildcache.CachedLayer;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A stage's identity follows its content, never the times its steps were recorded at. */
class StateIdentityTest {
  private static final Digest START =
      StateIdentity.of(ImageConfig.scratch(Platform.parse("linux/amd64")));

  private static CacheResult result(String created, String diffIdText, String change) {
    Digest diffId = Digest.sha256(diffIdText.getBytes(StandardCharsets.UTF_8));
    Descriptor blob = Descriptor.of(MediaType.OCI_LAYER_GZIP, diffId, 10);
    return new CacheResult(
        List.of(new CachedLayer(blob, diffId, 20)),
        new History(created, "WORKDIR /work", null, "buildkit.dockerfile.v0", null, null),
        change.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aStepRecordedAgainAtAnotherTimeKeepsTheIdentity() {
    CacheResult first = result("2024-01-01T00:00:00Z", "layer", "{\"patch\":{}}");
    CacheResult again = result("2025-06-01T12:00:00.123Z", "layer", "{\"patch\":{}}");
    assertTrue(StateIdentity.sameContent(first, again));
    assertEquals(StateIdentity.after(START, first), StateIdentity.after(START, again));
  }

  @Test
  void anotherLayerAnotherChangeOrAnotherStateBelowChangesIt() {
    CacheResult base = result("t", "layer", "{\"patch\":{}}");
    Digest identity = StateIdentity.after(START, base);
    assertNotEquals(identity, StateIdentity.after(START, result("t", "other", "{\"patch\":{}}")));
    assertNotEquals(
        identity,
        StateIdentity.after(START, result("t", "layer", "{\"patch\":{\"author\":\"x\"}}")));
    assertNotEquals(identity, StateIdentity.after(StateIdentity.derived(START, "x"), base));
    assertFalse(StateIdentity.sameContent(base, result("t", "other", "{\"patch\":{}}")));
  }

  @Test
  void aWholeConfigRecordedInsteadOfAPatchIsComparedWithoutItsTimes() {
    String config1 =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
            + "\"history\":[{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":\"x\"}]}";
    String config2 = config1.replace("2024-01-01T00:00:00Z", "2026-02-02T02:02:02Z");
    assertTrue(
        StateIdentity.sameContent(
            result("a", "layer", full(config1)), result("b", "layer", full(config2))));
    assertFalse(
        StateIdentity.sameContent(
            result("a", "layer", full(config1)),
            result("a", "layer", full(config1.replace("\"x\"", "\"y\"")))));
  }

  private static String full(String config) {
    return "{\"full\":\""
        + Base64.getEncoder().encodeToString(config.getBytes(StandardCharsets.UTF_8))
        + "\"}";
  }
}
