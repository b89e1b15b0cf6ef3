package dev.kiln.api.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.output.TempSibling;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes {@code --iidfile} (the image digest alone) and {@code --metadata-file} (a JSON object with
 * buildx's keys: {@code containerimage.digest}, {@code containerimage.config.digest}, {@code
 * containerimage.descriptor}, {@code image.name}), so CI scripts written for buildx read kiln's
 * files unchanged.
 */
public final class BuildMetadataFile {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BuildMetadataFile() {}

  public static void writeIid(Path file, BuildResult result) throws IOException {
    if (result.imageDigest().isPresent()) {
      atomically(file, result.imageDigest().get().toString().getBytes(StandardCharsets.US_ASCII));
    }
  }

  public static void writeMetadata(Path file, BuildResult result) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    result
        .imageDigest()
        .ifPresent(
            d -> {
              root.put("containerimage.digest", d.toString());
              ObjectNode descriptor = root.putObject("containerimage.descriptor");
              descriptor.put("mediaType", result.manifestMediaType().orElse(""));
              descriptor.put("digest", d.toString());
              descriptor.put("size", result.manifestSize());
            });
    result.configDigest().ifPresent(d -> root.put("containerimage.config.digest", d.toString()));
    if (!result.names().isEmpty()) {
      root.put("image.name", String.join(",", result.names()));
    }
    atomically(file, JSON.writeValueAsBytes(root));
  }

  private static void atomically(Path file, byte[] bytes) throws IOException {
    Path absolute = file.toAbsolutePath();
    Files.createDirectories(absolute.getParent());
    // Not Files.createTempFile: its 0600 would survive the rename (see TempSibling).
    Path temp = TempSibling.create(absolute);
    try {
      Files.write(temp, bytes);
      Files.move(
          temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
