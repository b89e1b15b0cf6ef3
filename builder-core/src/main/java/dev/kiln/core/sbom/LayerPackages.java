package dev.kiln.core.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the SBOM scan found in one layer's own files, by their names in the layer's tar: the
 * packages of each file a cataloger wants (a file that lists none is absent), and the distribution
 * each {@code os-release} file names. It holds for every image the layer is in, so it is made once
 * per diffID; only Debian and Alpine package URLs depend on the image (its {@code os-release},
 * often in another layer), so they record the distribution they were made for.
 *
 * @param os the distribution the deb and apk package URLs were made for
 * @param packages each wanted file's packages, found at {@code /NAME} (a jar's nested ones at
 *     {@code /NAME!/INNER})
 * @param osReleases each {@code etc/os-release} or {@code usr/lib/os-release} of the layer, parsed
 */
record LayerPackages(
    OsRelease os, Map<String, List<FoundPackage>> packages, Map<String, OsRelease> osReleases) {
  /** Bumped when a cataloger finds something else in the same bytes: older files are made again. */
  static final int FORMAT = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether these facts still hold in an image of distribution {@code image}. */
  boolean holdsFor(OsRelease image) {
    if (os.equals(image)) {
      return true;
    }
    return packages.values().stream()
        .flatMap(List::stream)
        .noneMatch(p -> p.ecosystem().equals("deb") || p.ecosystem().equals("apk"));
  }

  byte[] toJson() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.set("os", os(os));
    ObjectNode releases = root.putObject("osReleases");
    osReleases.forEach((name, release) -> releases.set(name, os(release)));
    ObjectNode files = root.putObject("packages");
    for (Map.Entry<String, List<FoundPackage>> file : packages.entrySet()) {
      ArrayNode list = files.putArray(file.getKey());
      for (FoundPackage p : file.getValue()) {
        ObjectNode o = list.addObject();
        o.put("ecosystem", p.ecosystem());
        o.put("name", p.name());
        o.put("version", p.version());
        p.purl().ifPresent(v -> o.put("purl", v));
        p.license().ifPresent(v -> o.put("license", v));
        o.put("foundAt", p.foundAt());
      }
    }
    return JSON.writeValueAsBytes(root);
  }

  /** The facts in {@code json}, or empty when it is of another format or not such a file. */
  static Optional<LayerPackages> fromJson(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (root == null || root.path("format").asInt(-1) != FORMAT) {
      return Optional.empty();
    }
    Map<String, OsRelease> releases = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("osReleases").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      releases.put(e.getKey(), os(e.getValue()));
    }
    Map<String, List<FoundPackage>> packages = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("packages").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      List<FoundPackage> list = new ArrayList<>();
      for (JsonNode o : e.getValue()) {
        if (!o.path("name").isTextual() || !o.path("foundAt").isTextual()) {
          return Optional.empty();
        }
        list.add(
            new FoundPackage(
                o.path("ecosystem").asText(),
                o.path("name").asText(),
                o.path("version").asText(),
                text(o, "purl"),
                text(o, "license"),
                o.path("foundAt").asText()));
      }
      packages.put(e.getKey(), list);
    }
    return Optional.of(new LayerPackages(os(root.path("os")), packages, releases));
  }

  private static Optional<String> text(JsonNode o, String field) {
    return o.path(field).isTextual() ? Optional.of(o.path(field).asText()) : Optional.empty();
  }

  private static ObjectNode os(OsRelease os) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", os.id());
    o.put("versionId", os.versionId());
    return o;
  }

  private static OsRelease os(JsonNode o) {
    return new OsRelease(o.path("id").asText(""), o.path("versionId").asText(""));
  }
}
