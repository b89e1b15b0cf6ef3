package dev.kiln.testdata.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * An image as a real client (skopeo + umoci) sees it: the raw manifest and config it fetched and
 * the root filesystem {@code umoci unpack} produced.
 */
public record UnpackedImage(Path rootfs, String manifest, String config) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public JsonNode manifestJson() {
    return parse(manifest);
  }

  public JsonNode configJson() {
    return parse(config);
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + text, e);
    }
  }
}
