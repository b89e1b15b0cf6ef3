package dev.kiln.core.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The error messages in an OCI runtime's log: runc writes JSON lines ({@code {"level":"error",
 * "msg":…}}), crun plain text; only errors are kept, and at most a few.
 */
final class RuntimeLog {
  private static final int MAX_LINES = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private RuntimeLog() {}

  static List<String> errors(Path log) {
    List<String> errors = new ArrayList<>();
    if (!Files.isRegularFile(log)) {
      return errors;
    }
    try {
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        String trimmed = line.trim();
        if (trimmed.isEmpty()) {
          continue;
        }
        if (trimmed.startsWith("{")) {
          JsonNode entry = JSON.readTree(trimmed);
          String level = entry.path("level").asText("");
          if (level.equals("error") || level.equals("fatal")) {
            errors.add(entry.path("msg").asText(trimmed));
          }
        } else if (!trimmed.contains("level=warning") && !trimmed.contains("level=info")) {
          errors.add(trimmed);
        }
      }
    } catch (IOException e) {
      errors.add("(cannot read the runtime's log " + log + ": " + e.getMessage() + ")");
    }
    return errors.size() > MAX_LINES
        ? errors.subList(errors.size() - MAX_LINES, errors.size())
        : errors;
  }
}
