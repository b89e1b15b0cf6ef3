package dev.kiln.registry.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a registry's error body ({@code {"errors":[{"code","message","detail"}]}}), shown to
 * people verbatim.
 *
 * @param detail the {@code detail} value as JSON text, or null
 */
public record RegistryError(String code, String message, String detail) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_TEXT = 300;

  /**
   * Parses an error body. A body that is not the distribution-spec JSON (a proxy's HTML page, a
   * plain-text message) becomes one entry with no code and the start of the text as message.
   */
  public static List<RegistryError> parseBody(byte[] body) {
    if (body == null || body.length == 0) {
      return List.of();
    }
    try {
      JsonNode root = JSON.readTree(body);
      if (root != null && root.path("errors").isArray()) {
        List<RegistryError> out = new ArrayList<>();
        for (JsonNode e : root.get("errors")) {
          JsonNode detail = e.get("detail");
          out.add(
              new RegistryError(
                  e.path("code").asText(""),
                  e.path("message").asText(""),
                  detail == null || detail.isNull() ? null : abbreviate(detail.toString())));
        }
        return List.copyOf(out);
      }
      if (root != null && root.isObject() && root.has("details")) {
        // Some token servers answer {"details": "..."}.
        return List.of(new RegistryError("", abbreviate(root.get("details").asText()), null));
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not JSON: fall through to plain text
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? List.of() : List.of(new RegistryError("", abbreviate(text), null));
  }

  private static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_TEXT ? oneLine : oneLine.substring(0, MAX_TEXT) + "…";
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    if (!code.isEmpty()) {
      s.append(code).append(": ");
    }
    s.append(message);
    if (detail != null && !detail.equals("null")) {
      s.append(" (").append(detail).append(')');
    }
    return s.toString();
  }
}
