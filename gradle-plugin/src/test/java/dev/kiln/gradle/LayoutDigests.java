package dev.kiln.gradle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** Reads which manifest digest a tag of an OCI layout names, straight from its index.json. */
final class LayoutDigests {
  private LayoutDigests() {}

  static String ofTag(Path layout, String tag) throws IOException {
    JsonNode index = new ObjectMapper().readTree(layout.resolve("index.json").toFile());
    for (JsonNode entry : index.path("manifests")) {
      if (tag.equals(
          entry.path("annotations").path("org.opencontainers.image.ref.name").asText())) {
        return entry.path("digest").asText();
      }
    }
    throw new AssertionError("no tag " + tag + " in " + layout + "/index.json: " + index);
  }
}
