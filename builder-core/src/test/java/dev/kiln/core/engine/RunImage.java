package dev.kiln.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildResult;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UnpackedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An image kiln wrote as an OCI layout, read only with independent tools: {@code umoci unpack} for
 * the root filesystem, commons-compress for the layer tars, Jackson for manifest and config.
 */
final class RunImage {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path layout;
  private final String tag;
  private final BuildResult result;
  private final Function<String, Path> dirs;
  private UnpackedImage unpacked;

  RunImage(Path layout, String tag, BuildResult result, Function<String, Path> dirs) {
    this.layout = layout;
    this.tag = tag;
    this.result = result;
    this.dirs = dirs;
  }

  Path layout() {
    return layout;
  }

  BuildResult result() {
    return result;
  }

  /** The image as {@code umoci unpack} lays it out (unpacked on first call). */
  synchronized UnpackedImage unpacked() {
    if (unpacked == null) {
      unpacked = ImageInspector.unpackLayout(layout, tag, dirs.apply("unpack"));
    }
    return unpacked;
  }

  /** The unpacked root filesystem. */
  Path rootfs() {
    return unpacked().rootfs();
  }

  /** {@code path} (absolute in the image) inside the unpacked root filesystem. */
  Path file(String path) {
    return rootfs().resolve(path.startsWith("/") ? path.substring(1) : path);
  }

  /** The text of a file in the unpacked image, without a trailing newline. */
  String text(String path) {
    try {
      return Files.readString(file(path)).stripTrailing();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode manifest() {
    return parse(ImageInspector.manifestOfLayout(layout, tag));
  }

  JsonNode config() {
    return parse(blobText(manifest().path("config").path("digest").asText()));
  }

  /** The raw config bytes as written. */
  String rawConfig() {
    return blobText(manifest().path("config").path("digest").asText());
  }

  /** {@code created_by} of every history entry, in order. */
  List<String> history() {
    List<String> out = new ArrayList<>();
    for (JsonNode h : config().path("history")) {
      out.add(h.path("created_by").asText());
    }
    return out;
  }

  /** Every layer, base first. */
  List<LayerTar> layers() {
    List<LayerTar> out = new ArrayList<>();
    for (JsonNode layer : manifest().path("layers")) {
      out.add(LayerTar.read(blob(layer.path("digest").asText())));
    }
    return out;
  }

  /** The image's last layer (what the last step that made one wrote). */
  LayerTar lastLayer() {
    List<LayerTar> all = layers();
    return all.get(all.size() - 1);
  }

  Path blob(String digest) {
    String[] parts = digest.split(":", 2);
    return layout.resolve("blobs").resolve(parts[0]).resolve(parts[1]);
  }

  private String blobText(String digest) {
    try {
      return Files.readString(blob(digest));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
