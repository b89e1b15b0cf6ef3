package dev.kiln.api.request;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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
 * @param ignoreError {@code ignore-error=true} on {@code --cache-to}: a failed export is a warning,
 *     not a failed build
 */
public record CacheSpec(
    Type type, Optional<String> ref, Optional<Path> dir, boolean maxMode, boolean ignoreError) {
  /** A spec whose export failures fail the build. */
  public CacheSpec(Type type, Optional<String> ref, Optional<Path> dir, boolean maxMode) {
    this(type, ref, dir, maxMode, false);
  }

  /**
   * buildx's keys that kiln honours. {@code image-manifest} and {@code oci-mediatypes} are accepted
   * as true only, since kiln always writes the cache as an OCI image manifest.
   */
  private static final Set<String> REGISTRY_KEYS =
      Set.of("type", "ref", "mode", "ignore-error", "image-manifest", "oci-mediatypes");

  private static final Set<String> LOCAL_EXPORT_KEYS =
      Set.of("type", "dest", "mode", "ignore-error", "image-manifest", "oci-mediatypes");

  private static final Set<String> LOCAL_IMPORT_KEYS = Set.of("type", "src", "mode");

  /** buildx's cache keys that kiln does not implement: refused by name rather than ignored. */
  private static final Set<String> UNSUPPORTED_KEYS =
      Set.of("compression", "compression-level", "force-compression", "tag", "digest");

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
    for (String key : fields.keySet()) {
      if (UNSUPPORTED_KEYS.contains(key)) {
        throw new RequestException(
            flag + " '" + text + "': kiln does not support " + key + "= for the build cache",
            "remove it; kiln's cache layers are the build's own layers, stored as they were built");
      }
    }
    if (type.equals("registry")) {
      KeyValueList.requireKnown(
          fields, export ? REGISTRY_KEYS : Set.of("type", "ref", "mode"), flag, text);
    } else if (type.equals("local")) {
      KeyValueList.requireKnown(fields, export ? LOCAL_EXPORT_KEYS : LOCAL_IMPORT_KEYS, flag, text);
    }
    for (String key : List.of("image-manifest", "oci-mediatypes")) {
      if (first(fields, key).isPresent() && !isTrue(first(fields, key).get(), flag, key)) {
        throw new RequestException(
            flag + " '" + text + "': " + key + "=false is not supported",
            "kiln always exports the cache as an OCI image manifest; drop " + key + "=");
      }
    }
    boolean ignoreError =
        first(fields, "ignore-error").map(v -> isTrue(v, flag, "ignore-error")).orElse(false);
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
        yield new CacheSpec(
            Type.REGISTRY, Optional.of(ref), Optional.empty(), mode.equals("max"), ignoreError);
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
        yield new CacheSpec(
            Type.LOCAL, Optional.empty(), Optional.of(dir), mode.equals("max"), ignoreError);
      }
      default ->
          throw new RequestException(
              flag + " '" + text + "': unknown type '" + type + "'",
              "use type=registry or type=local");
    };
  }

  private static boolean isTrue(String value, String flag, String key) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "" -> true;
      case "false", "0" -> false;
      default ->
          throw new RequestException(
              flag + ": " + key + "=" + value + " is not a boolean", "use " + key + "=true");
    };
  }

  private static Optional<String> first(Map<String, List<String>> fields, String key) {
    List<String> values = fields.get(key);
    return values == null || values.isEmpty()
        ? Optional.empty()
        : Optional.of(values.get(0).trim());
  }
}
