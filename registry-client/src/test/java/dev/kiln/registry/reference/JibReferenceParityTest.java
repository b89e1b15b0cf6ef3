package dev.kiln.registry.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jib-core as an independent oracle for reference parsing: on a corpus of references both parsers
 * must agree on validity and, for valid ones, on registry, repository, tag and digest. Jib spells
 * Docker Hub {@code registry-1.docker.io} and fills in {@code latest}; both are mapped before
 * comparing. Where kiln deliberately follows Docker instead of Jib, the case is listed in {@link
 * #DOCKER_NOT_JIB} with the reason, and the test checks that the difference is exactly that.
 */
class JibReferenceParityTest {
  private static final String D =
      "sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

  /** References Jib accepts but Docker (and kiln) reject, and why. */
  private static final Map<String, String> DOCKER_NOT_JIB =
      Map.of(
          "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
          "Docker refuses a 64-hex name because it is an image ID");

  static List<String> corpus() {
    return List.of(
        "busybox",
        "busybox:latest",
        "busybox:1.36.1-musl",
        "library/busybox",
        "docker.io/library/busybox",
        "docker.io/busybox:1",
        "index.docker.io/busybox",
        "index.docker.io/user/app:tag",
        "user/app",
        "user/app@" + D,
        "user/app:tag@" + D,
        "gcr.io/distroless/java17-debian12:nonroot",
        "ghcr.io/org/team/sub/app:v1.2.3",
        "quay.io/a-b/c_d:e.f",
        "localhost/app",
        "localhost:5000/app",
        "localhost:5000/a/b/c:tag",
        "127.0.0.1:5000/app@" + D,
        "my-registry.internal:8443/x/y",
        "a.b.c.d/e",
        "registry.example.com/a__b/c--d/e.f",
        "app:" + "t".repeat(128),
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        // invalid for both
        "",
        "App",
        "app:",
        "app::tag",
        "app:-tag",
        "app:" + "t".repeat(129),
        "app@sha256:short",
        "a//b",
        "a/b/",
        "-app",
        "app_",
        "host:port/app",
        "registry.example.com:/app");
  }

  /**
   * References both accept but normalise differently, where kiln follows Docker: the value is the
   * registry API host and repository Docker uses. Jib compares the registry with its own Hub host
   * name before folding aliases, so it misses {@code library/} after {@code docker.io/} and {@code
   * index.docker.io/}, and talks to {@code index.docker.io} directly.
   */
  private static final Map<String, List<String>> NORMALISED_LIKE_DOCKER =
      Map.of(
          "docker.io/busybox:1", List.of("registry-1.docker.io", "library/busybox"),
          "index.docker.io/busybox", List.of("registry-1.docker.io", "library/busybox"),
          "index.docker.io/user/app:tag", List.of("registry-1.docker.io", "user/app"));

  @ParameterizedTest
  @MethodSource("corpus")
  void agreesWithJib(String text) {
    com.google.cloud.tools.jib.api.ImageReference jib;
    try {
      jib = com.google.cloud.tools.jib.api.ImageReference.parse(text);
    } catch (InvalidImageReferenceException | RuntimeException e) {
      jib = null;
    }
    if (DOCKER_NOT_JIB.containsKey(text)) {
      if (jib == null) {
        fail("expected Jib to accept " + text + " (" + DOCKER_NOT_JIB.get(text) + ")");
      }
      assertThrows(InvalidReferenceException.class, () -> ImageReference.parse(text));
      return;
    }
    if (jib == null) {
      assertThrows(
          InvalidReferenceException.class,
          () -> ImageReference.parse(text),
          "Jib rejects '" + text + "', kiln must too");
      return;
    }
    ImageReference kiln = ImageReference.parse(text);
    String registry = jib.getRegistry();
    String repository = jib.getRepository();
    List<String> docker = NORMALISED_LIKE_DOCKER.get(text);
    if (docker != null) {
      if (List.of(registry, repository).equals(docker)) {
        fail("Jib now agrees on " + text + "; drop it from NORMALISED_LIKE_DOCKER");
      }
      registry = docker.get(0);
      repository = docker.get(1);
    }
    assertEquals(registry, kiln.apiHost(), "registry of " + text);
    assertEquals(repository, kiln.repository(), "repository of " + text);
    assertEquals(jib.getTag().orElse(null), kiln.tagOrDefault(), "tag of " + text);
    assertEquals(
        jib.getDigest().orElse(null),
        kiln.digest() == null ? null : kiln.digest().toString(),
        "digest of " + text);
  }
}
