package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.MediaType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CacheDecisionTest {
  private static final CacheKey KEY = TestResults.key("step");
  private static final Digest L1 = Digest.sha256(new byte[] {1});
  private static final Digest L2 = Digest.sha256(new byte[] {2});

  private static byte[] entryWith(CacheKey key) {
    CacheResult result =
        new CacheResult(
            List.of(
                new CachedLayer(Descriptor.of(MediaType.OCI_LAYER_GZIP, L1, 100), L1, 1000),
                new CachedLayer(Descriptor.of(MediaType.OCI_LAYER_GZIP, L2, 200), L2, 2000)),
            History.of(null, "RUN x", false),
            "{}".getBytes(StandardCharsets.UTF_8));
    return CacheEntryJson.write(new CacheEntry(key, result, Instant.EPOCH));
  }

  @Test
  void allBlobsPresentWithTheirSizesIsAHit() {
    CacheDecision d =
        CacheDecision.decide(KEY, Optional.of(entryWith(KEY)), Map.of(L1, 100L, L2, 200L));
    assertTrue(d.isHit());
    assertEquals(List.of(L1, L2), d.result().orElseThrow().blobs());
  }

  @Test
  void noFileIsAMiss() {
    assertEquals(
        new CacheDecision.Miss("no entry"), CacheDecision.decide(KEY, Optional.empty(), Map.of()));
  }

  @Test
  void aMissingBlobIsAMissNamingTheBlob() {
    CacheDecision d = CacheDecision.decide(KEY, Optional.of(entryWith(KEY)), Map.of(L1, 100L));
    assertEquals(new CacheDecision.Miss("blob " + L2 + " missing from the store"), d);
  }

  @Test
  void aBlobOfAnotherSizeIsAMiss() {
    CacheDecision d =
        CacheDecision.decide(KEY, Optional.of(entryWith(KEY)), Map.of(L1, 100L, L2, 199L));
    assertTrue(d instanceof CacheDecision.Miss m && m.reason().contains("199"), d.toString());
  }

  @Test
  void anEntryForAnotherKeyIsAMiss() {
    CacheKey other = TestResults.key("other");
    CacheDecision d =
        CacheDecision.decide(KEY, Optional.of(entryWith(other)), Map.of(L1, 100L, L2, 200L));
    assertTrue(d instanceof CacheDecision.Miss m && m.reason().contains(other.toString()));
  }

  @Test
  void anUnreadableEntryIsAMissWithTheParseProblem() {
    CacheDecision d =
        CacheDecision.decide(
            KEY, Optional.of("{\"schema\":1}".getBytes(StandardCharsets.UTF_8)), Map.of());
    assertTrue(
        d instanceof CacheDecision.Miss m && m.reason().startsWith("entry unreadable: schema"),
        d.toString());
  }
}
