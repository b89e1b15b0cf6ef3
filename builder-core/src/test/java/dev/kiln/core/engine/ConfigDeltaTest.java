package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.Platform;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A cache entry records what its step changed in the config; replayed on the parent's config it
 * must give the step's config byte for byte, and it must not grow with the config below it.
 */
class ConfigDeltaTest {
  private static final ImageConfig BASE =
      ImageConfig.scratch(Platform.parse("linux/amd64")).toBuilder()
          .config(
              ContainerConfig.empty().toBuilder()
                  .env(List.of("PATH=/usr/bin:/bin", "HOME=/root"))
                  .cmd(List.of("/bin/sh"))
                  .build())
          .build();

  @Test
  void aLabelOnABigConfigRecordsOnlyThatLabel() {
    ImageConfig before = BASE;
    for (int i = 0; i < 2000; i++) {
      before = step(before, c -> c, "LABEL l" + i, null);
    }
    before = withLabels(before, 2000);
    ImageConfig after =
        step(before, c -> c, "LABEL new=1", c -> c.labels(plus(c.build().labels(), "new", "1")));
    byte[] delta = roundTrips(before, after, List.of());
    assertTrue(delta.length < 200, text(delta));
    assertTrue(text(delta).contains("\"new\":\"1\""), text(delta));
    assertTrue(before.raw().size() > 100_000, "the config below is big");
  }

  @Test
  void envIsChangedInPlaceAddedAndRemovedByName() {
    ImageConfig replaced =
        step(BASE, c -> c.env(List.of("PATH=/opt/bin:/usr/bin:/bin", "HOME=/root")), "ENV", null);
    assertTrue(text(roundTrips(BASE, replaced, List.of())).contains("/opt/bin"));
    ImageConfig added =
        step(BASE, c -> c.env(List.of("PATH=/usr/bin:/bin", "HOME=/root", "A=1")), "ENV", null);
    String delta = text(roundTrips(BASE, added, List.of()));
    assertFalse(delta.contains("PATH"), delta);
    ImageConfig removed = step(BASE, c -> c.env(List.of("HOME=/root")), "X", null);
    roundTrips(BASE, removed, List.of());
  }

  @Test
  void removedFieldsLayersAndAnOddEnvAllReplayExactly() {
    roundTrips(BASE, step(BASE, c -> c.cmd(null), "CMD", null), List.of());
    ImageConfig withLayer =
        BASE.toBuilder()
            .addLayer(
                Digest.sha256("layer".getBytes(StandardCharsets.UTF_8)),
                History.of(null, "COPY a /a", false))
            .build();
    roundTrips(BASE, withLayer, List.of(Digest.sha256("layer".getBytes(StandardCharsets.UTF_8))));
    // Duplicate names cannot be set by name: the patch carries the whole array.
    roundTrips(BASE, step(BASE, c -> c.env(List.of("A=1", "A=2")), "ENV", null), List.of());
    // A config the engine did not build (key order, spacing) is recorded whole and still exact.
    ImageConfig odd =
        ImageConfig.parse(
            ("{ \"os\":\"linux\", \"architecture\":\"amd64\", \"rootfs\":{\"type\":\"layers\","
                    + "\"diff_ids\":[]}, \"history\":[{\"created_by\":\"X\"}] }")
                .getBytes(StandardCharsets.UTF_8));
    byte[] delta = ConfigDelta.between(BASE, odd, odd.history().get(0), List.of());
    assertTrue(text(delta).contains("\"full\""), text(delta));
    assertArrayEquals(
        odd.raw().toByteArray(),
        ConfigDelta.apply(BASE, delta, odd.history().get(0), List.of()).raw().toByteArray());
  }

  @Test
  void aRunOfRecordedStepsAppliedAtOnceGivesWhatApplyingEachGives() {
    // A cached stage applies its steps' changes in one go when the config is needed; the image
    // must be byte for byte the one applying them one by one makes, whatever the changes are.
    Digest layer = Digest.sha256("layer".getBytes(StandardCharsets.UTF_8));
    ImageConfig odd =
        ImageConfig.parse(
            ("{ \"os\":\"linux\", \"architecture\":\"amd64\", \"rootfs\":{\"type\":\"layers\","
                    + "\"diff_ids\":[]}, \"history\":[{\"created_by\":\"X\"}] }")
                .getBytes(StandardCharsets.UTF_8));
    List<ImageConfig> configs = new java.util.ArrayList<>(List.of(BASE));
    configs.add(step(BASE, c -> c.labels(Map.of("a", "1")), "LABEL a=1", null));
    configs.add(odd);
    configs.add(step(odd, c -> c.labels(Map.of("b", "2")), "LABEL b=2", null));
    configs.add(step(last(configs), c -> c.env(List.of("HOME=/root", "A=1")), "ENV A=1", null));
    configs.add(
        last(configs).toBuilder().addLayer(layer, History.of("t", "COPY a /a", false)).build());
    configs.add(step(last(configs), c -> c.cmd(List.of("sh")), "CMD", null));
    configs.add(step(last(configs), c -> c.cmd(null), "CMD", null));
    configs.add(step(last(configs), c -> c.user("1000"), "USER 1000", null));
    configs.add(step(last(configs), c -> c.env(List.of("A=1", "A=2")), "ENV", null));
    List<dev.kiln.cache.buildcache.CacheResult> results = new java.util.ArrayList<>();
    for (int i = 1; i < configs.size(); i++) {
      ImageConfig before = configs.get(i - 1);
      ImageConfig after = configs.get(i);
      List<Digest> added = after.diffIds().subList(before.diffIds().size(), after.diffIds().size());
      History history = after.history().get(after.history().size() - 1);
      List<dev.kiln.cache.buildcache.CachedLayer> layers =
          added.stream()
              .map(
                  d ->
                      new dev.kiln.cache.buildcache.CachedLayer(
                          dev.kiln.registry.model.Descriptor.of(
                              dev.kiln.registry.model.MediaType.OCI_LAYER_GZIP, d, 1),
                          d,
                          1))
              .toList();
      results.add(
          new dev.kiln.cache.buildcache.CacheResult(
              layers, history, ConfigDelta.between(before, after, history, added)));
      for (int from = 0; from < i; from++) {
        assertArrayEquals(
            after.raw().toByteArray(),
            ConfigDelta.applyAll(configs.get(from), results.subList(from, i)).raw().toByteArray(),
            "steps " + from + ".." + i);
      }
    }
  }

  private static ImageConfig last(List<ImageConfig> configs) {
    return configs.get(configs.size() - 1);
  }

  private static byte[] roundTrips(ImageConfig before, ImageConfig after, List<Digest> added) {
    History last = after.history().get(after.history().size() - 1);
    byte[] delta = ConfigDelta.between(before, after, last, added);
    assertArrayEquals(
        after.raw().toByteArray(),
        ConfigDelta.apply(before, delta, last, added).raw().toByteArray(),
        text(delta));
    return delta;
  }

  private static ImageConfig step(
      ImageConfig before,
      UnaryOperator<ContainerConfig.Builder> change,
      String createdBy,
      UnaryOperator<ContainerConfig.Builder> more) {
    ContainerConfig.Builder c = change.apply(before.configOrEmpty().toBuilder());
    if (more != null) {
      c = more.apply(c);
    }
    return before.toBuilder()
        .config(c.build())
        .addHistory(History.of("2026-01-01T00:00:00Z", createdBy, true))
        .build();
  }

  private static Map<String, String> plus(Map<String, String> labels, String key, String value) {
    Map<String, String> more = new LinkedHashMap<>(labels == null ? Map.of() : labels);
    more.put(key, value);
    return more;
  }

  private static ImageConfig withLabels(ImageConfig config, int count) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      labels.put("l" + i, "value" + i);
    }
    return config.toBuilder()
        .config(config.configOrEmpty().toBuilder().labels(labels).build())
        .build();
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
