package dev.kiln.api.request;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code --cache-from} or {@code --cache-to}: a registry reference or a local directory that
 * holds exported build-cache entries.
 *
 * @param type registry or local
 * @param ref the registry reference ({@link Type#REGISTRY})
 * @param dir the directory ({@link Type#LOCAL}: {@code src=} when importing, {@code dest=} when
 *     exporting)
 * @param maxMode {@code mode=max}: export intermediate stages' steps too, not only the final
 *     stage's
 */
public record CacheSpec(Type type, Optional<String> ref, Optional<Path> dir, boolean maxMode) {
  /** Where cache entries live. */
  public enum Type {
    REGISTRY,
    LOCAL
  }

  /**
   * Parses {@code type=registry,ref=R[,mode=min|max]}, {@code type=local,src|dest=DIR}, or a bare
   * reference.
   */
  public static CacheSpec parse(String text, boolean export) {
    String flag = export ? "--cache-to" : "--cache-from";
    if (!text.contains("=")) {
      return new CacheSpec(Type.REGISTRY, Optional.of(text.trim()), Optional.empty(), false);
    }
    Map<String, List<String>> fields = KeyValueList.parse(text, flag);
    String type = first(fields, "type").orElse("registry").toLowerCase(Locale.ROOT);
    String mode = first(fields, "mode").orElse("min").toLowerCase(Locale.ROOT);
    if (!mode.equals("min") && !mode.equals("max")) {
      throw new RequestException(
          flag + " '" + text + "': mode must be min or max",
          "use mode=max to keep intermediate stages");
    }
    return switch (type) {
      case "registry" -> {
        String ref =
            first(fields, "ref")
                .orElseThrow(
                    () ->
                        new RequestException(
                            flag + " '" + text + "' has no ref=",
                            "e.g. " + flag + " type=registry,ref=registry.example/app:buildcache"));
        yield new CacheSpec(Type.REGISTRY, Optional.of(ref), Optional.empty(), mode.equals("max"));
      }
      case "local" -> {
        String key = export ? "dest" : "src";
        Path dir =
            first(fields, key)
                .filter(value -> !value.isEmpty()) // an empty path would mean the current directory
                .map(Path::of)
                .orElseThrow(
                    () ->
                        new RequestException(
                            flag + " '" + text + "' has no " + key + "=",
                            "e.g. " + flag + " type=local," + key + "=/tmp/kiln-cache"));
        yield new CacheSpec(Type.LOCAL, Optional.empty(), Optional.of(dir), mode.equals("max"));
      }
      default ->
          throw new RequestException(
              flag + " '" + text + "': unknown type '" + type + "'",
              "use type=registry or type=local");
    };
  }

  private static Optional<String> first(Map<String, List<String>> fields, String key) {
    List<String> values = fields.get(key);
    return values == null || values.isEmpty()
        ? Optional.empty()
        : Optional.of(values.get(0).trim());
  }
}
