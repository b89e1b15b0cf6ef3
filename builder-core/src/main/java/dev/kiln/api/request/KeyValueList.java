package dev.kiln.api.request;

import dev.kiln.dockerfile.parser.Suggestions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Parses buildx's comma-separated {@code key=value} option syntax ({@code
 * type=registry,name=a,b,push=true}), including CSV quoting so a value may contain a comma ({@code
 * "name=a,b"}). A field without {@code =} continues the previous value when that key allows several
 * values (buildx accepts {@code name=a,b} for two names).
 */
final class KeyValueList {
  private KeyValueList() {}

  static Map<String, List<String>> parse(String text, String flag) {
    Map<String, List<String>> result = new LinkedHashMap<>();
    String lastKey = null;
    for (String field : splitCsv(text, flag)) {
      int eq = field.indexOf('=');
      if (eq < 0) {
        if (lastKey == null) {
          throw new RequestException(
              flag + " '" + text + "': '" + field + "' is not key=value",
              "e.g. " + flag + " type=oci,dest=out.tar");
        }
        result.get(lastKey).add(field);
        continue;
      }
      String key = field.substring(0, eq).trim().toLowerCase(java.util.Locale.ROOT);
      if (key.isEmpty()) {
        throw new RequestException(flag + " '" + text + "': empty key", "write key=value");
      }
      result.computeIfAbsent(key, k -> new ArrayList<>()).add(field.substring(eq + 1));
      lastKey = key;
    }
    return result;
  }

  /**
   * Refuses a key that is not in {@code known}, with the closest known key when it looks like a
   * typo ({@code mdoe=max}): a misspelt option must not be silently ignored.
   */
  static void requireKnown(
      Map<String, List<String>> fields, Set<String> known, String flag, String text) {
    for (String key : fields.keySet()) {
      if (!known.contains(key)) {
        String near = Suggestions.hint(key, known, false);
        throw new RequestException(
            flag + " '" + text + "': unknown option '" + key + "'",
            (near == null ? "" : near + " ")
                + "known options: "
                + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  private static List<String> splitCsv(String text, String flag) {
    List<String> fields = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          current.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        fields.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (quoted) {
      throw new RequestException(flag + " '" + text + "': unterminated quote", "close the \"");
    }
    fields.add(current.toString());
    fields.removeIf(String::isBlank);
    return fields;
  }
}
