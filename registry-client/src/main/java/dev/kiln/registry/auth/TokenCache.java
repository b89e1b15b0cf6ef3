package dev.kiln.registry.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens by (realm, service, scopes, identity), each kept until shortly before it expires.
 * The current time is passed in, so expiry is testable without waiting.
 */
public final class TokenCache {
  /**
   * Tokens are dropped this long before they expire, so a request never starts with a dying one.
   */
  static final Duration MARGIN = Duration.ofSeconds(10);

  /** A token and when it stops being valid. */
  public record Token(String value, Instant expiresAt) {
    @Override
    public String toString() {
      return "Token[<redacted>, expires " + expiresAt + "]";
    }
  }

  /** What a token is for: its server, scopes and whose credentials obtained it. */
  public record Key(String realm, String service, String scopes, String identity) {}

  private final Map<Key, Token> tokens = new ConcurrentHashMap<>();

  public Optional<Token> get(Key key, Instant now) {
    Token t = tokens.get(key);
    if (t == null || !now.isBefore(t.expiresAt().minus(MARGIN))) {
      return Optional.empty();
    }
    return Optional.of(t);
  }

  public void put(Key key, Token token) {
    tokens.put(key, token);
  }

  public void invalidate(Key key) {
    tokens.remove(key);
  }
}
