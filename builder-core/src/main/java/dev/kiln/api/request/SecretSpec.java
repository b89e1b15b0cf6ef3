package dev.kiln.api.request;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code --secret id=ID[,src=FILE|env=VAR]}. With neither {@code src} nor {@code env}, buildx
 * reads the environment variable named like the id if it exists, else the file named like it.
 */
public record SecretSpec(String id, Optional<Path> file, Optional<String> env) {
  public static SecretSpec parse(String text) {
    Map<String, List<String>> fields = KeyValueList.parse(text, "--secret");
    String id = one(fields, "id");
    if (id == null || id.isBlank()) {
      throw new RequestException(
          "--secret '" + text + "' has no id=", "e.g. --secret id=npmrc,src=$HOME/.npmrc");
    }
    String src = one(fields, "src");
    if (src == null) {
      src = one(fields, "source");
    }
    String env = one(fields, "env");
    String type = one(fields, "type");
    if (type != null && type.equals("env") && env == null) {
      env = src != null ? src : id;
      src = null;
    }
    if (src != null && env != null) {
      throw new RequestException("--secret '" + text + "' has both src= and env=", "choose one");
    }
    return new SecretSpec(id, Optional.ofNullable(src).map(Path::of), Optional.ofNullable(env));
  }

  private static String one(Map<String, List<String>> fields, String key) {
    List<String> values = fields.get(key);
    return values == null || values.isEmpty() ? null : values.get(values.size() - 1);
  }
}
