package dev.kiln.core.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What min and max provenance say, and what neither ever says. */
class ProvenancePredicateTest {
  private static final byte[] DOCKERFILE =
      "FROM busybox\nRUN --mount=type=secret,id=token true\n".getBytes(StandardCharsets.UTF_8);
  private static final Digest BASE = Digest.sha256("base".getBytes(StandardCharsets.UTF_8));

  private static JsonNode predicate(boolean max, Optional<String> started) {
    return ProvenancePredicate.of(
        new ProvenancePredicate.Facts(
            max,
            "https://ci.example/job/7",
            "Dockerfile",
            DOCKERFILE,
            Optional.of("runtime"),
            "linux/amd64",
            Map.of("VERSION", "1.2.3"),
            List.of("token"),
            List.of("default"),
            List.of(
                ProvenancePredicate.Material.of(
                    "pkg:docker/docker.io/library/busybox@1?platform=linux%2Famd64", BASE)),
            started,
            started));
  }

  @Test
  void minModeNamesTheInputsButNotTheArguments() {
    JsonNode p = predicate(false, Optional.of("2024-01-02T03:04:05Z"));
    JsonNode definition = p.path("buildDefinition");
    assertEquals(
        "https://kiln.dev/provenance/dockerfile@v1", definition.path("buildType").asText());
    JsonNode config = definition.path("externalParameters").path("configSource");
    assertEquals("Dockerfile", config.path("path").asText());
    assertEquals(Digest.sha256(DOCKERFILE).hex(), config.path("digest").path("sha256").asText());
    JsonNode request = definition.path("externalParameters").path("request");
    assertEquals("runtime", request.path("target").asText());
    assertEquals("linux/amd64", request.path("platform").asText());
    assertTrue(request.path("args").isMissingNode(), "no build args in min mode");
    assertTrue(request.path("secrets").isMissingNode());
    assertTrue(definition.path("internalParameters").isMissingNode());
    JsonNode base = definition.path("resolvedDependencies").get(0);
    assertEquals(BASE.hex(), base.path("digest").path("sha256").asText());
    assertEquals(
        "https://ci.example/job/7", p.path("runDetails").path("builder").path("id").asText());
    assertEquals(
        "2024-01-02T03:04:05Z", p.path("runDetails").path("metadata").path("startedOn").asText());
  }

  @Test
  void maxModeAddsArgumentsSecretIdsAndTheDockerfile() {
    JsonNode p = predicate(true, Optional.empty());
    JsonNode request = p.path("buildDefinition").path("externalParameters").path("request");
    assertEquals("1.2.3", request.path("args").path("VERSION").asText());
    assertEquals("token", request.path("secrets").get(0).path("id").asText());
    assertEquals("default", request.path("ssh").get(0).path("id").asText());
    assertEquals(
        new String(DOCKERFILE, StandardCharsets.UTF_8),
        p.path("buildDefinition").path("internalParameters").path("dockerfile").asText());
    assertFalse(
        p.path("runDetails").path("metadata").has("startedOn"),
        "no times with SOURCE_DATE_EPOCH: the same build gives the same bytes");
  }
}
