package dev.kiln.registry.credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RegistryKeysTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "docker.io, docker.io",
    "index.docker.io, index.docker.io",
    "https://index.docker.io/v1/, index.docker.io",
    "registry-1.docker.io, registry-1.docker.io",
    "ghcr.io, ghcr.io",
    "HTTPS://GHCR.IO/v2/, ghcr.io",
    "https://ghcr.io, ghcr.io",
    "http://localhost:5000, localhost:5000",
    "localhost:5000/v2/, localhost:5000",
    "127.0.0.1:5000, 127.0.0.1:5000",
    "[::1]:5000/v2/, [::1]:5000",
    "quay.io/org/repo, quay.io",
    "'  ghcr.io  ', ghcr.io",
  })
  void aKeyIsReadAsItsHostWithThePortAndWithoutSchemeOrPath(String key, String host) {
    assertEquals(host, RegistryKeys.host(key));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "docker.io",
        "index.docker.io",
        "https://index.docker.io/v1/",
        "registry-1.docker.io",
        "registry.hub.docker.com",
        "HTTPS://Index.Docker.IO/v1/"
      })
  void everyNameOfDockerHubIsDockerHub(String key) {
    String host = RegistryKeys.host(key);
    assertTrue(RegistryKeys.isDockerHub(host), key);
    assertTrue(RegistryKeys.sameRegistry(host, "docker.io"), key);
    assertTrue(RegistryKeys.sameRegistry(host, "index.docker.io"), key);
    assertEquals(RegistryKeys.DOCKER_HUB_SERVER, RegistryKeys.helperServerUrl(host));
  }

  @Test
  void otherRegistriesMatchOnlyThemselvesPortIncluded() {
    assertTrue(
        RegistryKeys.sameRegistry(RegistryKeys.host("http://localhost:5000"), "localhost:5000"));
    assertTrue(RegistryKeys.sameRegistry(RegistryKeys.host("GHCR.io"), "ghcr.io"));
    assertFalse(RegistryKeys.sameRegistry(RegistryKeys.host("localhost:5000"), "localhost:5001"));
    assertFalse(RegistryKeys.sameRegistry(RegistryKeys.host("localhost:5000"), "localhost"));
    assertFalse(RegistryKeys.sameRegistry(RegistryKeys.host("ghcr.io"), "docker.io"));
    assertFalse(RegistryKeys.isDockerHub("docker.io.example.com"));
    assertEquals("ghcr.io", RegistryKeys.helperServerUrl("ghcr.io"));
  }
}
