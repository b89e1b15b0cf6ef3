package dev.kiln.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokenCacheTest {
  private final TokenCache.Key key =
      new TokenCache.Key("https://r/t", "svc", "repository:a:pull", "me");
  private final Instant t0 = Instant.parse("2024-01-01T00:00:00Z");

  @Test
  void tokensAreKeptUntilShortlyBeforeTheyExpire() {
    TokenCache cache = new TokenCache();
    cache.put(key, new TokenCache.Token("tok", t0.plusSeconds(60)));
    assertEquals("tok", cache.get(key, t0).orElseThrow().value());
    assertTrue(cache.get(key, t0.plusSeconds(49)).isPresent());
    assertFalse(cache.get(key, t0.plusSeconds(50)).isPresent(), "10 s margin");
  }

  @Test
  void keysSeparateScopesAndIdentitiesAndInvalidateDrops() {
    TokenCache cache = new TokenCache();
    cache.put(key, new TokenCache.Token("tok", t0.plusSeconds(600)));
    assertFalse(
        cache
            .get(new TokenCache.Key("https://r/t", "svc", "repository:a:pull,push", "me"), t0)
            .isPresent());
    assertFalse(
        cache
            .get(new TokenCache.Key("https://r/t", "svc", "repository:a:pull", "anonymous"), t0)
            .isPresent());
    cache.invalidate(key);
    assertFalse(cache.get(key, t0).isPresent());
    assertFalse(new TokenCache.Token("secret", t0).toString().contains("secret"));
  }
}
