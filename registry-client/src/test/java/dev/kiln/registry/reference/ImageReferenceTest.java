package dev.kiln.registry.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
  private static final String D =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "busybox, docker.io, library/busybox, -",
        "busybox:1.36, docker.io, library/busybox, 1.36",
        "library/busybox, docker.io, library/busybox, -",
        "docker.io/busybox, docker.io, library/busybox, -",
        "index.docker.io/busybox:x, docker.io, library/busybox, x",
        "index.docker.io/user/app, docker.io, user/app, -",
        "user/app:v1, docker.io, user/app, v1",
        "ghcr.io/org/team/app:2, ghcr.io, org/team/app, 2",
        "localhost/app, localhost, app, -",
        "localhost:5000/app:tag, localhost:5000, app, tag",
        "127.0.0.1:5000/a/b, 127.0.0.1:5000, a/b, -",
        "[::1]:5000/app, [::1]:5000, app, -",
        "Registry.Example.COM/app, Registry.Example.COM, app, -",
        "UPPER/app, UPPER, app, -",
        "registry-1.docker.io/app, registry-1.docker.io, app, -",
        "example.com:443/a__b/c-d--e/f.g, example.com:443, a__b/c-d--e/f.g, -",
      })
  void normalisesLikeDocker(String text, String registry, String repository, String tag) {
    ImageReference r = ImageReference.parse(text);
    assertEquals(registry, r.registry());
    assertEquals(repository, r.repository());
    assertEquals(tag, r.tag());
    assertNull(r.digest());
    assertEquals(r, ImageReference.parse(r.toString()), "toString must parse back");
    assertEquals(r, ImageReference.parse(r.familiar()), "familiar must parse back");
  }

  @Test
  void tagAndDigestTogetherKeepBothAndPullTheDigest() {
    ImageReference r = ImageReference.parse("app:1.0@" + D);
    assertEquals("1.0", r.tag());
    assertEquals(Digest.parse(D), r.digest());
    assertEquals(D, r.manifestReference());
    assertEquals("docker.io/library/app:1.0@" + D, r.toString());
    assertEquals("app:1.0@" + D, r.familiar());
  }

  @Test
  void defaultsAndApiHost() {
    ImageReference hub = ImageReference.parse("busybox");
    assertEquals("latest", hub.manifestReference());
    assertEquals("latest", hub.tagOrDefault());
    assertEquals("registry-1.docker.io", hub.apiHost());
    assertTrue(hub.isDockerHub());
    ImageReference pinned = ImageReference.parse("busybox@" + D);
    assertNull(pinned.tagOrDefault());
    assertEquals("ghcr.io", ImageReference.parse("ghcr.io/a/b").apiHost());
    assertEquals("user/app", ImageReference.parse("user/app").familiar());
    assertEquals("library/a/b", ImageReference.parse("library/a/b").familiar());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ":tag",
        "@" + D,
        "app:",
        "app:-bad",
        "app:.bad",
        "App",
        "docker.io/App",
        "app@sha256:abc",
        "app@md5:0123456789abcdef0123456789abcdef",
        "a//b",
        "a/b/",
        "/a",
        "a_-b",
        "app:tag:more",
        "-a",
        "exa_mple.com/app",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      })
  void rejectsInvalidReferences(String text) {
    assertThrows(InvalidReferenceException.class, () -> ImageReference.parse(text));
  }

  @Test
  void errorsSayWhatIsWrong() {
    assertTrue(
        assertThrows(InvalidReferenceException.class, () -> ImageReference.parse("App:1"))
            .getMessage()
            .contains("lowercase"));
    assertTrue(
        assertThrows(
                InvalidReferenceException.class, () -> ImageReference.parse("a:" + "x".repeat(129)))
            .getMessage()
            .contains("invalid tag"));
    assertTrue(
        assertThrows(InvalidReferenceException.class, () -> ImageReference.parse("a@sha256:12"))
            .getMessage()
            .contains("invalid digest"));
    String longName = "a/".repeat(128) + "b";
    assertTrue(
        assertThrows(InvalidReferenceException.class, () -> ImageReference.parse(longName))
            .getMessage()
            .contains("255"));
  }

  @Test
  void derivedReferences() {
    ImageReference r = ImageReference.parse("localhost:5000/app:1@" + D);
    assertEquals("localhost:5000/app:2", r.withTag("2").toString());
    assertEquals("localhost:5000/app", r.repositoryOnly().toString());
    assertTrue(r.sameRegistry(ImageReference.parse("localhost:5000/other")));
  }
}
