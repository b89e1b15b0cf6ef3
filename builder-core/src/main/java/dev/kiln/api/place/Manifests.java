package dev.kiln.api.place;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MalformedDocumentException;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;

/** Reads manifest bytes as an image manifest or an index, whichever they are. */
final class Manifests {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Manifests() {}

  /**
   * @param mediaType the descriptor's or server's media type; the document's own field wins
   * @param where for messages
   */
  static Manifest parse(byte[] bytes, String mediaType, String where) throws IOException {
    try {
      JsonNode root = JSON.readTree(bytes);
      String own = root == null ? "" : root.path("mediaType").asText("");
      String type = own.isEmpty() ? (mediaType == null ? "" : mediaType) : own;
      boolean index =
          MediaType.isIndex(type) || (type.isEmpty() && root != null && root.has("manifests"));
      return index
          ? ImageIndex.parse(bytes, type.isEmpty() ? MediaType.OCI_INDEX : type)
          : ImageManifest.parse(bytes, type.isEmpty() ? MediaType.OCI_MANIFEST : type);
    } catch (MalformedDocumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(where + ": not a valid manifest: " + e.getMessage(), e);
    }
  }
}
