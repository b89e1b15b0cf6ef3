package dev.kiln.registry.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds one JSON object in a fixed field order: the known fields in the order the caller puts
 * them, absent (null) fields left out, maps sorted by key, unknown fields last and sorted. The same
 * value therefore always serialises to the same bytes, which is what makes kiln's manifests and
 * configs reproducible.
 */
final class JsonObjectWriter {
  private final ObjectNode node = JsonNodeFactory.instance.objectNode();

  JsonObjectWriter text(String name, String value) {
    if (value != null) {
      node.put(name, value);
    }
    return this;
  }

  JsonObjectWriter number(String name, Long value) {
    if (value != null) {
      node.put(name, value);
    }
    return this;
  }

  JsonObjectWriter number(String name, Integer value) {
    if (value != null) {
      node.put(name, value);
    }
    return this;
  }

  JsonObjectWriter bool(String name, Boolean value) {
    if (value != null) {
      node.put(name, value);
    }
    return this;
  }

  JsonObjectWriter stringList(String name, List<String> values) {
    if (values != null) {
      ArrayNode array = node.putArray(name);
      values.forEach(array::add);
    }
    return this;
  }

  JsonObjectWriter stringMap(String name, Map<String, String> values) {
    if (values != null) {
      ObjectNode object = node.putObject(name);
      new TreeMap<>(values).forEach(object::put);
    }
    return this;
  }

  /** An object whose keys carry the meaning and whose values are empty objects. */
  JsonObjectWriter keySet(String name, Collection<String> keys) {
    if (keys != null) {
      ObjectNode object = node.putObject(name);
      keys.stream().sorted().forEach(object::putObject);
    }
    return this;
  }

  JsonObjectWriter object(String name, JsonObjectWriter value) {
    if (value != null) {
      node.set(name, value.node);
    }
    return this;
  }

  JsonObjectWriter objectList(String name, List<JsonObjectWriter> values) {
    if (values != null) {
      ArrayNode array = node.putArray(name);
      values.forEach(v -> array.add(v.node));
    }
    return this;
  }

  /** Unknown fields kept from a parsed document, written last in key order. */
  JsonObjectWriter extra(Map<String, JsonNode> extra) {
    new TreeMap<>(extra).forEach((k, v) -> node.set(k, v.deepCopy()));
    return this;
  }

  /** Compact UTF-8 JSON, no trailing newline. */
  byte[] toBytes() {
    try {
      return JsonObjectReader.MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree could not be serialised", e);
    }
  }
}
