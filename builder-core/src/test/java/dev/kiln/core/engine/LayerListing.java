package dev.kiln.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Lists the entry names of one layer blob in an OCI layout written by skopeo, read with
 * commons-compress rather than kiln's own reader.
 */
final class LayerListing {
  private LayerListing() {}

  /** The names, in tar order, of the layer {@code descriptor} (a manifest layer entry). */
  static List<String> names(Path layout, JsonNode descriptor) throws Exception {
    String[] digest = descriptor.path("digest").asText().split(":", 2);
    Path blob = layout.resolve("blobs").resolve(digest[0]).resolve(digest[1]);
    List<String> names = new ArrayList<>();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(blob));
        TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(raw))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  private static InputStream decompressed(InputStream raw) throws IOException {
    try {
      return new CompressorStreamFactory().createCompressorInputStream(raw);
    } catch (org.apache.commons.compress.compressors.CompressorException e) {
      return raw; // uncompressed
    }
  }
}
