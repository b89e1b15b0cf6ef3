package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Freezes the unknown fields a record keeps: deep copies, sorted, unmodifiable. */
final class ExtraFields {
  private ExtraFields() {}

  static Map<String, JsonNode> freeze(Map<String, JsonNode> extra) {
    if (extra == null || extra.isEmpty()) {
      return Map.of();
    }
    Map<String, JsonNode> copy = new TreeMap<>();
    extra.forEach((k, v) -> copy.put(k, v.deepCopy()));
    return Collections.unmodifiableMap(copy);
  }
}
