package dev.kiln.registry.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static byte[] resource(String name) throws IOException {
    try (InputStream in = ImageConfigTest.class.getResourceAsStream("/model/" + name)) {
      return in.readAllBytes();
    }
  }

  @Test
  void parsesEveryDockerConfigField() throws IOException {
    ImageConfig c = ImageConfig.parse(resource("docker-config.json"));
    assertEquals("arm", c.architecture());
    assertEquals("v7", c.variant());
    assertEquals("5.10", c.osVersion());
    assertEquals(List.of("feature-a"), c.osFeatures());
    assertEquals("24.0.7", c.dockerVersion());
    assertEquals("3f1e2d", c.container());
    assertEquals("made by hand", c.comment());
    ContainerConfig cc = c.config();
    assertEquals("app:app", cc.user());
    assertEquals(List.of("53/udp", "8080/tcp"), cc.exposedPorts());
    assertEquals("C.UTF-8", cc.envValue("LANG"));
    assertEquals(List.of("serve", "--port", "8080"), cc.cmd());
    assertEquals(List.of("CMD-SHELL", "wget -q -O- localhost:8080"), cc.healthcheck().test());
    assertEquals(30_000_000_000L, cc.healthcheck().intervalNanos());
    assertEquals(2_000_000_000L, cc.healthcheck().startIntervalNanos());
    assertEquals(3, cc.healthcheck().retries());
    assertEquals(Boolean.TRUE, cc.argsEscaped());
    assertEquals(List.of("/data"), cc.volumes());
    assertEquals(List.of("RUN echo child"), cc.onBuild());
    assertEquals("SIGQUIT", cc.stopSignal());
    assertEquals(20, cc.stopTimeout());
    assertEquals(List.of("/bin/sh", "-c"), cc.shell());
    assertEquals("02:42:ac:11:00:02", cc.macAddress());
    assertEquals(Boolean.FALSE, cc.networkDisabled());
    assertEquals("demo", cc.labels().get("org.opencontainers.image.title"));
    assertTrue(cc.extra().containsKey("x-future-config-field"));
    assertEquals(2, c.diffIds().size());
    assertEquals(3, c.history().size());
    assertFalse(c.history().get(1).hasLayer());
    assertEquals("ci", c.history().get(2).author());
    assertEquals("kept", c.history().get(2).extra().get("x-history-extra").textValue());
    assertEquals(List.of("/bin/sh", "-c", "#(nop) CMD [\"serve\"]"), c.containerConfig().cmd());
    assertTrue(Platform.parse("linux/arm/v7").matches(c.platform()));
    assertEquals("5.10", c.platform().osVersion());
  }

  @Test
  void unchangedConfigKeepsItsExactBytesAndDigest() throws IOException {
    byte[] bytes = resource("docker-config.json");
    ImageConfig c = ImageConfig.parse(bytes);
    assertArrayEquals(bytes, c.raw().toByteArray());
    assertEquals(Digest.sha256(bytes), c.raw().digest());
  }

  @Test
  void changingOneFieldKeepsEveryOtherFieldIncludingUnknownOnes() throws IOException {
    byte[] bytes = resource("docker-config.json");
    ImageConfig original = ImageConfig.parse(bytes);
    ImageConfig changed =
        original.toBuilder().config(original.config().toBuilder().user("root").build()).build();

    JsonNode before = JSON.readTree(bytes);
    JsonNode after = JSON.readTree(changed.raw().toByteArray());
    ((com.fasterxml.jackson.databind.node.ObjectNode) before.get("config")).put("User", "root");
    assertEquals(before, after, "only config.User may differ");
    assertNotEquals(original.raw().digest(), changed.raw().digest());
    // Reading the new bytes back gives the same value.
    assertEquals(changed, ImageConfig.parse(changed.raw().toByteArray()));
  }

  @Test
  void serialisationIsDeterministic() {
    ContainerConfig a =
        new ContainerConfig.Builder()
            .env(List.of("A=1"))
            .labels(java.util.Map.of("z", "1", "a", "2", "m", "3"))
            .exposedPorts(List.of("443/tcp", "80/tcp"))
            .build();
    ContainerConfig b =
        new ContainerConfig.Builder()
            .exposedPorts(List.of("80/tcp", "443/tcp"))
            .labels(new java.util.LinkedHashMap<>(java.util.Map.of("m", "3", "z", "1", "a", "2")))
            .env(List.of("A=1"))
            .build();
    ImageConfig x = ImageConfig.scratch(Platform.linuxAmd64()).toBuilder().config(a).build();
    ImageConfig y = ImageConfig.scratch(Platform.linuxAmd64()).toBuilder().config(b).build();
    assertEquals(x.raw(), y.raw());
    String json = x.raw().asString();
    assertTrue(
        json.indexOf("\"a\":\"2\"") < json.indexOf("\"m\":\"3\"")
            && json.indexOf("\"m\":\"3\"") < json.indexOf("\"z\":\"1\""),
        json);
    assertFalse(json.contains("\n") || json.contains(" "), "compact: " + json);
  }

  @Test
  void addLayerAppendsDiffIdAndHistory() {
    Digest diff = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
    ImageConfig c =
        ImageConfig.scratch(Platform.linuxAmd64()).toBuilder()
            .addLayer(diff, History.of("2024-01-01T00:00:00Z", "COPY . /", false))
            .addHistory(History.of("2024-01-01T00:00:00Z", "ENV A=1", true))
            .build();
    assertEquals(List.of(diff), c.diffIds());
    assertEquals(2, c.history().size());
    assertNull(c.history().get(0).emptyLayer());
    assertTrue(c.raw().asString().contains("\"empty_layer\":true"));
  }

  @Test
  void typeErrorsNameTheField() {
    var e =
        assertThrows(
            MalformedDocumentException.class,
            () ->
                ImageConfig.parse(
                    "{\"config\":{\"Env\":[\"A=1\",2]}}".getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("config.Env[1]"), e.getMessage());
    var dup =
        assertThrows(
            MalformedDocumentException.class,
            () -> ImageConfig.parse("{\"os\":\"linux\",\"os\":\"windows\"}".getBytes()));
    assertTrue(dup.getMessage().contains("not valid JSON"), dup.getMessage());
    assertThrows(MalformedDocumentException.class, () -> ImageConfig.parse("[]".getBytes()));
  }
}
