package dev.kiln.api.request;

import dev.kiln.registry.model.Compression;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Parses {@code -o/--output} values as buildx does: {@code
 * type=registry|image|oci|docker|local|tar,
 * dest=…,name=…,push=…,compression=…,compression-level=…,force-compression=…,oci-mediatypes=…,
 * tar=…,store=…,rewrite-timestamp=…,annotation[-TYPE][[PLATFORM]].K=V}, and the shorthands {@code
 * -o DIR} (local) and {@code -o -} (tar to stdout).
 *
 * <p>{@code unpack=true} is refused: in BuildKit it unpacks the image into containerd's snapshotter
 * so a runtime can start it at once; kiln has no runtime or image store to unpack into, and it
 * unpacks a layer for RUN on first use anyway, so there is nothing for it to do.
 */
public final class OutputSpecParser {
  private static final Set<String> KNOWN_KEYS =
      Set.of(
          "type",
          "dest",
          "name",
          "push",
          "compression",
          "compression-level",
          "oci-mediatypes",
          "tar",
          "force-compression",
          "store",
          "unpack",
          "rewrite-timestamp");

  private OutputSpecParser() {}

  /**
   * Whether {@code text} is buildx's {@code type=cacheonly}: build, export the cache if asked, and
   * write no image or files. It has no other options.
   */
  public static boolean isCacheOnly(String text) {
    String t = text.trim();
    if (!t.contains("=")) {
      return false;
    }
    Map<String, List<String>> fields = KeyValueList.parse(t, "--output");
    if (!single(fields, "type").map(v -> v.trim().equalsIgnoreCase("cacheonly")).orElse(false)) {
      return false;
    }
    KeyValueList.requireKnown(fields, Set.of("type"), "--output", text);
    return true;
  }

  public static OutputSpec parse(String text) {
    String trimmed = text.trim();
    if (trimmed.isEmpty()) {
      throw new RequestException(
          "--output is empty", "e.g. --output type=oci,dest=image.tar, or --output out/");
    }
    if (trimmed.equals("-")) {
      return simple(OutputSpec.Type.TAR, Optional.of(Path.of("-")));
    }
    if (!trimmed.contains("=")) {
      return simple(OutputSpec.Type.LOCAL, Optional.of(Path.of(trimmed)));
    }
    Map<String, List<String>> fields = KeyValueList.parse(trimmed, "--output");
    String typeText = single(fields, "type").orElse(null);
    if (typeText == null) {
      throw new RequestException(
          "--output '" + text + "' has no type", "add type=registry|image|oci|docker|local|tar");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    List<ImageAnnotation> scoped = new ArrayList<>();
    for (String key : fields.keySet()) {
      Optional<ImageAnnotation> annotation =
          ImageAnnotation.parseOutputKey(key, last(fields.get(key)), text);
      if (annotation.isPresent()) {
        ImageAnnotation a = annotation.get();
        if (a.place() == ImageAnnotation.Place.MANIFEST && a.platform().isEmpty()) {
          annotations.put(a.key(), a.value());
        } else {
          scoped.add(a);
        }
      } else if (!KNOWN_KEYS.contains(key)) {
        KeyValueList.requireKnown(Map.of(key, List.of()), KNOWN_KEYS, "--output", text);
      }
    }
    OutputSpec.Type type;
    boolean push = bool(fields, "push", false);
    Optional<Path> dest = single(fields, "dest").map(Path::of);
    switch (typeText.toLowerCase(Locale.ROOT)) {
      case "registry" -> {
        type = OutputSpec.Type.IMAGE;
        push = true;
      }
      case "image" -> type = OutputSpec.Type.IMAGE;
      case "oci" ->
          type = bool(fields, "tar", true) ? OutputSpec.Type.OCI : OutputSpec.Type.OCI_LAYOUT;
      case "oci-layout" -> type = OutputSpec.Type.OCI_LAYOUT;
      case "docker" -> type = OutputSpec.Type.DOCKER;
      case "local" -> type = OutputSpec.Type.LOCAL;
      case "tar" -> type = OutputSpec.Type.TAR;
      default ->
          throw new RequestException(
              "--output '" + text + "': unknown type '" + typeText + "'",
              "use type=registry, image, oci, docker, local, tar or cacheonly");
    }
    boolean needsDest =
        type == OutputSpec.Type.OCI
            || type == OutputSpec.Type.OCI_LAYOUT
            || type == OutputSpec.Type.DOCKER
            || type == OutputSpec.Type.LOCAL
            || type == OutputSpec.Type.TAR;
    if (needsDest && dest.isEmpty()) {
      throw new RequestException(
          "--output type=" + typeText + " needs dest=",
          "e.g. --output type=" + typeText + ",dest=" + exampleDest(type));
    }
    if (dest.isPresent() && dest.get().toString().isBlank()) {
      // Path.of("") is the current directory: type=local would write the image's files into it.
      throw new RequestException(
          "--output '" + text + "': dest is empty",
          "name the destination, e.g. dest="
              + exampleDest(type)
              + (type == OutputSpec.Type.LOCAL ? " (dest=. for the current directory)" : ""));
    }
    List<String> names = new ArrayList<>();
    for (String value : fields.getOrDefault("name", List.of())) {
      for (String name : value.split(",")) {
        if (!name.isBlank()) {
          names.add(name.trim());
        }
      }
    }
    Compression compression =
        single(fields, "compression").map(OutputSpecParser::compression).orElse(Compression.GZIP);
    Optional<Integer> level = single(fields, "compression-level").map(v -> level(v, compression));
    boolean oci = bool(fields, "oci-mediatypes", type != OutputSpec.Type.DOCKER);
    boolean image = type == OutputSpec.Type.IMAGE;
    if (!image && (fields.containsKey("store") || fields.containsKey("unpack"))) {
      throw new RequestException(
          "--output '" + text + "': store= and unpack= belong to type=image (and type=registry)",
          "remove them; type=" + typeText + " writes " + dest.map(Path::toString).orElse("a file"));
    }
    // BuildKit's default: the image exporter keeps its result (store=true). kiln's store keeps a
    // pushed image's blobs it wrote anyway; naming a pushed image there as well would mean
    // fetching every base layer the push only mounted, so a push keeps it only when asked.
    boolean store = bool(fields, "store", !push);
    if (image && !push && !store) {
      throw new RequestException(
          "--output '" + text + "': store=false without push=true writes the image nowhere",
          "add push=true (type=registry) to push it only, or use type=cacheonly to build without"
              + " keeping an image");
    }
    if (bool(fields, "unpack", false)) {
      throw new RequestException(
          "--output '" + text + "': unpack=true is not supported",
          "remove it: BuildKit unpacks the image for containerd to run it; kiln has no runtime to"
              + " unpack for (it unpacks layers for RUN when a later build needs them)");
    }
    boolean force = bool(fields, "force-compression", false);
    boolean rewrite = bool(fields, "rewrite-timestamp", false);
    return new OutputSpec(
        type,
        dest,
        names,
        push,
        compression,
        level,
        oci,
        annotations,
        force,
        store,
        rewrite,
        scoped);
  }

  private static OutputSpec simple(OutputSpec.Type type, Optional<Path> dest) {
    return new OutputSpec(
        type, dest, List.of(), false, Compression.GZIP, Optional.empty(), true, Map.of());
  }

  private static String exampleDest(OutputSpec.Type type) {
    return switch (type) {
      case LOCAL, OCI_LAYOUT -> "out/";
      default -> "image.tar";
    };
  }

  private static Compression compression(String value) {
    return Compression.ofLabel(value.trim())
        .orElseThrow(
            () ->
                new RequestException(
                    "unknown compression '" + value + "'",
                    "use compression=gzip, zstd or uncompressed"));
  }

  private static int level(String value, Compression compression) {
    int level;
    try {
      level = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new RequestException(
          "compression-level '" + value + "' is not a number", "use e.g. compression-level=6");
    }
    int max = compression == Compression.ZSTD ? 22 : 9;
    if (level < 0 || level > max) {
      throw new RequestException(
          "compression-level "
              + level
              + " is out of range for "
              + compression.name().toLowerCase(Locale.ROOT),
          "use 0.." + max);
    }
    return level;
  }

  private static Optional<String> single(Map<String, List<String>> fields, String key) {
    List<String> values = fields.get(key);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(last(values));
  }

  private static String last(List<String> values) {
    return values.get(values.size() - 1);
  }

  private static boolean bool(Map<String, List<String>> fields, String key, boolean fallback) {
    Optional<String> value = single(fields, key);
    if (value.isEmpty() || value.get().isEmpty()) {
      return value.isPresent() || fallback;
    }
    return switch (value.get().trim().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default ->
          throw new RequestException(
              key + "=" + value.get() + " is not a boolean",
              "use " + key + "=true or " + key + "=false");
    };
  }
}
