package dev.kiln.registry.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the known fields of one JSON object and hands back whatever is left, so that the model
 * records can keep unknown fields instead of dropping them (Jib's templates drop them).
 *
 * <p>Hand-written over Jackson's tree model rather than data binding because every record needs
 * both its typed fields and the exact set of unknown ones, and type errors must name the field path
 * ({@code config.Env[2]}) for a person to find them.
 */
final class JsonObjectReader {
  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          // A document with a key twice means two things at once; refuse it.
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private final ObjectNode remaining;
  private final String path;

  /**
   * Takes {@code node} over: reading removes fields from it. Every node handed here is the reader's
   * own (a document just parsed, or a value already taken out of its parent), so no copy is made; a
   * copy would double the memory a large document costs.
   */
  private JsonObjectReader(ObjectNode node, String path) {
    this.remaining = node;
    this.path = path;
  }

  /** Parses a whole document that must be a JSON object. */
  static JsonObjectReader parse(byte[] bytes, String what) {
    return parse(bytes, what, Long.MAX_VALUE);
  }

  /**
   * Parses a whole document that must be a JSON object of at most {@code maxBytes}, refusing a
   * larger one before parsing it (a parsed tree takes many times the bytes of its text).
   */
  static JsonObjectReader parse(byte[] bytes, String what, long maxBytes) {
    if (bytes.length > maxBytes) {
      throw new MalformedDocumentException(
          what
              + " is "
              + bytes.length
              + " bytes; kiln reads at most "
              + maxBytes
              + " bytes ("
              + (maxBytes >> 20)
              + " MiB, the limit registries apply to manifests)");
    }
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new MalformedDocumentException(
          what
              + " is not valid JSON: "
              + MalformedDocumentException.excerpt(e.getOriginalMessage()),
          e);
    } catch (NumberFormatException e) {
      // Jackson throws this one unwrapped, for a number whose exponent does not fit an int
      // (1e9999999999): it is as malformed as any other JSON error.
      throw new MalformedDocumentException(
          what + " is not valid JSON: " + MalformedDocumentException.excerpt(e.getMessage()), e);
    } catch (IOException e) {
      throw new MalformedDocumentException(what + " could not be read: " + e.getMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new MalformedDocumentException(what + " must be a JSON object");
    }
    return new JsonObjectReader((ObjectNode) node, what);
  }

  private static JsonObjectReader of(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new MalformedDocumentException(path + " must be a JSON object");
    }
    return new JsonObjectReader((ObjectNode) node, path);
  }

  private JsonNode take(String name) {
    JsonNode value = remaining.remove(name);
    return value == null || value.isNull() ? null : value;
  }

  private String at(String name) {
    return path + "." + name;
  }

  String text(String name) {
    JsonNode v = take(name);
    if (v == null) {
      return null;
    }
    if (!v.isTextual()) {
      throw new MalformedDocumentException(at(name) + " must be a string");
    }
    return v.textValue();
  }

  String requiredText(String name) {
    String v = text(name);
    if (v == null) {
      throw new MalformedDocumentException(at(name) + " is required");
    }
    return v;
  }

  Long longValue(String name) {
    JsonNode v = take(name);
    if (v == null) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new MalformedDocumentException(at(name) + " must be an integer");
    }
    return v.longValue();
  }

  Integer intValue(String name) {
    Long v = longValue(name);
    if (v == null) {
      return null;
    }
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new MalformedDocumentException(at(name) + " is out of range: " + v);
    }
    return v.intValue();
  }

  Boolean bool(String name) {
    JsonNode v = take(name);
    if (v == null) {
      return null;
    }
    if (!v.isBoolean()) {
      throw new MalformedDocumentException(at(name) + " must be true or false");
    }
    return v.booleanValue();
  }

  List<String> stringList(String name) {
    JsonNode v = take(name);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      throw new MalformedDocumentException(at(name) + " must be an array of strings");
    }
    List<String> out = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) {
      JsonNode item = v.get(i);
      if (!item.isTextual()) {
        throw new MalformedDocumentException(at(name) + "[" + i + "] must be a string");
      }
      out.add(item.textValue());
    }
    return List.copyOf(out);
  }

  Map<String, String> stringMap(String name) {
    JsonNode v = take(name);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      throw new MalformedDocumentException(at(name) + " must be an object of strings");
    }
    Map<String, String> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isTextual()) {
        throw new MalformedDocumentException(
            at(name)
                + "[\""
                + MalformedDocumentException.excerpt(e.getKey())
                + "\"] must be a string");
      }
      out.put(e.getKey(), e.getValue().textValue());
    }
    return out;
  }

  /**
   * The keys of an object whose values are (by convention) empty objects: ExposedPorts, Volumes.
   */
  List<String> keySet(String name) {
    JsonNode v = take(name);
    if (v == null) {
      return null;
    }
    if (!v.isObject()) {
      throw new MalformedDocumentException(at(name) + " must be an object");
    }
    List<String> keys = new ArrayList<>();
    v.fieldNames().forEachRemaining(keys::add);
    return List.copyOf(keys);
  }

  JsonObjectReader object(String name) {
    JsonNode v = take(name);
    return v == null ? null : of(v, at(name));
  }

  List<JsonObjectReader> objectList(String name) {
    JsonNode v = take(name);
    if (v == null) {
      return null;
    }
    if (!v.isArray()) {
      throw new MalformedDocumentException(at(name) + " must be an array");
    }
    // Each element becomes a reader when it is reached, so a list of a million elements whose
    // first is wrong fails there, without a million readers made first.
    String at = at(name);
    return new AbstractList<>() {
      @Override
      public JsonObjectReader get(int i) {
        return of(v.get(i), at + "[" + i + "]");
      }

      @Override
      public int size() {
        return v.size();
      }
    };
  }

  String path() {
    return path;
  }

  /** The fields not taken so far, in document order. */
  Map<String, JsonNode> remaining() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    remaining.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }
}
