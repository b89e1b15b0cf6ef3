package dev.kiln.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChallengeTest {
  @Test
  void parsesDockerHubsBearerChallenge() {
    List<Challenge> c =
        Challenge.parseAll(
            List.of(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                    + "scope=\"repository:library/busybox:pull\",error=\"insufficient_scope\""));
    assertEquals(1, c.size());
    assertTrue(c.get(0).isBearer());
    assertEquals("https://auth.docker.io/token", c.get(0).realm());
    assertEquals("registry.docker.io", c.get(0).service());
    assertEquals("repository:library/busybox:pull", c.get(0).scope());
    assertEquals("insufficient_scope", c.get(0).params().get("error"));
  }

  @Test
  void quotedCommasEscapesAndSeveralChallengesInOneHeader() {
    List<Challenge> c =
        Challenge.parseAll(
            List.of(
                "Basic realm=\"a, \\\"quoted\\\" realm\", Bearer realm=\"https://x/t\" , "
                    + "scope=\"repository:a:pull repository:b:pull\""));
    assertEquals(2, c.size());
    assertEquals(new Challenge("basic", Map.of("realm", "a, \"quoted\" realm")), c.get(0));
    assertEquals("repository:a:pull repository:b:pull", c.get(1).scope());
    assertEquals(c.get(1), Challenge.preferred(c), "bearer is preferred");
  }

  @Test
  void caseInsensitiveSchemeAndUnquotedValues() {
    Challenge c = Challenge.parseAll(List.of("BASIC realm=registry")).get(0);
    assertTrue(c.isBasic());
    assertEquals("registry", c.realm());
    assertEquals(c, Challenge.preferred(List.of(c)));
    assertNull(Challenge.preferred(List.of()));
    assertTrue(Challenge.parseAll(List.of("")).isEmpty());
  }

  @Test
  void aBearerWithoutRealmIsNotAnswerable() {
    assertNull(Challenge.preferred(Challenge.parseAll(List.of("Bearer service=\"x\""))));
  }
}
