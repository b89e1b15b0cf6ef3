package dev.kiln.cache.buildcache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link CacheEntry}, one small file per entry:
 *
 * <pre>{@code
 * {"schema": "kiln.buildcache.entry.v2",
 *  "key": "sha256:…", "created": "2026-01-01T00:00:00Z",
 *  "layers": [{"mediaType": "…", "digest": "sha256:…", "size": 123,
 *              "diffID": "sha256:…", "uncompressedSize": 456}],
 *  "history": {"created": "…", "created_by": "…", "empty_layer": true},
 *  "configChange": {…the engine's JSON document of what the step changed in the config…}}
 * }</pre>
 *
 * The config change is embedded as JSON (the engine writes and reads it; this class only carries
 * it, re-serialised compactly). Version 1 stored the whole config after each step, which grew with
 * the square of the number of steps; its entries are not read (a miss). The same document can serve
 * as the config blob of an exported cache manifest. Pure: bytes in, values out.
 */
public final class CacheEntryJson {
  /** The schema name of the current format; other names are not read. */
  public static final String SCHEMA = "kiln.buildcache.entry.v2";

  /**
   * The media type to give this document when it travels as the config blob of an OCI manifest
   * whose layers are the result's layers (the planned remote cache export).
   */
  public static final String MEDIA_TYPE = "application/vnd.kiln.buildcache.entry.v2+json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private CacheEntryJson() {}

  /** Serialises {@code entry}. */
  public static byte[] write(CacheEntry entry) {
    ObjectNode root = JSON.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("key", entry.key().toString());
    root.put("created", entry.created().toString());
    ArrayNode layers = root.putArray("layers");
    for (CachedLayer layer : entry.result().layers()) {
      ObjectNode l = layers.addObject();
      Descriptor d = layer.blob();
      l.put("mediaType", d.mediaType());
      l.put("digest", d.digest().toString());
      l.put("size", d.size());
      if (!d.urls().isEmpty()) {
        ArrayNode urls = l.putArray("urls");
        d.urls().forEach(urls::add);
      }
      if (!d.annotations().isEmpty()) {
        ObjectNode a = l.putObject("annotations");
        new java.util.TreeMap<>(d.annotations()).forEach(a::put);
      }
      l.put("diffID", layer.diffId().toString());
      l.put("uncompressedSize", layer.uncompressedSize());
    }
    root.set("history", writeHistory(entry.result().history()));
    try {
      root.set("configChange", JSON.readTree(entry.result().configChange()));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the config change is not JSON: " + e.getMessage(), e);
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a cache entry", e);
    }
  }

  /**
   * Parses an entry document.
   *
   * @throws IllegalArgumentException saying what is wrong (not JSON, another schema, a missing or
   *     malformed field)
   */
  public static CacheEntry read(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String schema = root.path("schema").asText("");
    if (!schema.equals(SCHEMA)) {
      throw new IllegalArgumentException(
          "schema '" + schema + "' is not " + SCHEMA + " (written by another kiln version?)");
    }
    CacheKey key = CacheKey.parse(text(root, "key"));
    Instant created;
    try {
      created = Instant.parse(text(root, "created"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("created is not an RFC 3339 time", e);
    }
    List<CachedLayer> layers = new ArrayList<>();
    JsonNode layerNodes = root.path("layers");
    if (!layerNodes.isArray()) {
      throw new IllegalArgumentException("layers is missing or not an array");
    }
    for (JsonNode l : layerNodes) {
      if (!l.path("size").canConvertToLong() || !l.path("uncompressedSize").canConvertToLong()) {
        throw new IllegalArgumentException("a layer's size or uncompressedSize is not a number");
      }
      List<String> urls = new ArrayList<>();
      l.path("urls").forEach(u -> urls.add(u.asText()));
      Map<String, String> annotations = new LinkedHashMap<>();
      l.path("annotations")
          .fields()
          .forEachRemaining(f -> annotations.put(f.getKey(), f.getValue().asText()));
      Descriptor blob =
          new Descriptor(
              text(l, "mediaType"),
              Digest.parse(text(l, "digest")),
              l.path("size").asLong(),
              urls,
              annotations,
              null,
              null,
              null,
              null);
      layers.add(
          new CachedLayer(
              blob, Digest.parse(text(l, "diffID")), l.path("uncompressedSize").asLong()));
    }
    JsonNode history = root.path("history");
    if (!history.isObject()) {
      throw new IllegalArgumentException("history is missing or not an object");
    }
    JsonNode change = root.path("configChange");
    if (!change.isObject()) {
      throw new IllegalArgumentException("configChange is missing or not an object");
    }
    byte[] config;
    try {
      config = JSON.writeValueAsBytes(change);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("configChange cannot be written back", e);
    }
    return new CacheEntry(key, new CacheResult(layers, readHistory(history), config), created);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException(field + " is missing or not a string");
    }
    return value.textValue();
  }

  private static ObjectNode writeHistory(History h) {
    ObjectNode node = JSON.createObjectNode();
    putIfSet(node, "created", h.created());
    putIfSet(node, "created_by", h.createdBy());
    putIfSet(node, "author", h.author());
    putIfSet(node, "comment", h.comment());
    if (h.emptyLayer() != null) {
      node.put("empty_layer", h.emptyLayer());
    }
    h.extra().forEach(node::set);
    return node;
  }

  private static History readHistory(JsonNode node) {
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      switch (f.getKey()) {
        case "created", "created_by", "author", "comment", "empty_layer" -> {}
        default -> extra.put(f.getKey(), f.getValue());
      }
    }
    JsonNode empty = node.get("empty_layer");
    return new History(
        textOrNull(node, "created"),
        textOrNull(node, "created_by"),
        textOrNull(node, "author"),
        textOrNull(node, "comment"),
        empty == null || empty.isNull() ? null : empty.asBoolean(),
        extra);
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static String textOrNull(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
