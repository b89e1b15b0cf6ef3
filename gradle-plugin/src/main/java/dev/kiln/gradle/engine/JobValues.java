package dev.kiln.gradle.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads the flat job map the plugin side writes ({@code dev.kiln.gradle.KilnSettings}): plain
 * values by name, lists as {@code name.0}, {@code name.1}…, maps as {@code name.KEY}.
 */
record JobValues(Map<String, String> job) {
  JobValues {
    job = Map.copyOf(job);
  }

  Optional<String> value(String name) {
    String v = job.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  String required(String name) {
    return value(name)
        .orElseThrow(
            () -> new IllegalArgumentException("the job has no " + name + ": a plugin bug"));
  }

  boolean flag(String name) {
    return Boolean.parseBoolean(job.get(name));
  }

  List<String> list(String name) {
    Map<Integer, String> byIndex = new TreeMap<>();
    String prefix = name + ".";
    job.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.substring(prefix.length()).matches("\\d{1,9}")) {
            byIndex.put(Integer.parseInt(k.substring(prefix.length())), v);
          }
        });
    return new ArrayList<>(byIndex.values());
  }

  /** Entries {@code name.KEY}, sorted by key. */
  Map<String, String> map(String name) {
    Map<String, String> sorted = new TreeMap<>();
    String prefix = name + ".";
    job.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            sorted.put(k.substring(prefix.length()), v);
          }
        });
    return new LinkedHashMap<>(sorted);
  }
}
