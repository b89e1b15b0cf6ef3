package dev.kiln.core.push;

import dev.kiln.core.image.ImageNotFoundException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks the OCI layout inside an image archive ({@code oci-layout}, {@code index.json} and {@code
 * blobs/ALG/HEX}) into a directory, streaming, so that the layout reader can take it from there. A
 * docker archive written by kiln or by Docker 25+ holds the same files next to its {@code
 * manifest.json}; other entries are skipped, and only names of that exact shape are written, so an
 * archive cannot place a file outside the directory.
 */
final class LayoutArchive {
  private static final Pattern LAYOUT_FILE =
      Pattern.compile("oci-layout|index\\.json|blobs/[a-z0-9]+/[a-f0-9]{32,128}");

  private LayoutArchive() {}

  static void extract(Path archive, Path dir) throws IOException {
    boolean sawIndex = false;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(decompressed(raw))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        String name =
            entry.getName().startsWith("./") ? entry.getName().substring(2) : entry.getName();
        if (!entry.isFile() || !LAYOUT_FILE.matcher(name).matches()) {
          continue;
        }
        Path target = dir.resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        sawIndex |= name.equals("index.json");
      }
    } catch (IOException e) {
      if (e instanceof ImageNotFoundException) {
        throw e;
      }
      throw new ImageNotFoundException(
          archive + " is not a readable image archive: " + e.getMessage(),
          "point it at an OCI layout directory, or a tar written by --output type=oci or type=docker");
    }
    if (!sawIndex) {
      throw new ImageNotFoundException(
          archive + " holds no OCI layout (no index.json)",
          "archives from kiln, buildx --output type=oci, skopeo oci-archive: and docker save (25+)"
              + " hold one");
    }
  }

  private static InputStream decompressed(InputStream in) throws IOException {
    in.mark(2);
    int first = in.read();
    int second = in.read();
    in.reset();
    return first == 0x1f && second == 0x8b ? new GzipCompressorInputStream(in) : in;
  }
}
