package dev.kiln.core.output;

import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.ParallelFetch;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes the files of an image archive (OCI archive, docker archive) as a deterministic tar: fixed
 * times, owners and modes, each blob streamed once, never held in memory. The names are short
 * ({@code blobs/sha256/<hex>}), so plain ustar headers suffice and commons-compress writes them
 * exactly.
 */
final class ImageTarStream implements AutoCloseable {
  private final TarArchiveOutputStream tar;
  private final Set<String> written = new LinkedHashSet<>();

  ImageTarStream(OutputStream out) {
    this.tar = new TarArchiveOutputStream(out, 10240, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  void directory(String name) throws IOException {
    if (!written.add(name)) {
      return;
    }
    TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/");
    normalise(entry, 0755);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  void file(String name, byte[] content) throws IOException {
    if (!written.add(name)) {
      return;
    }
    TarArchiveEntry entry = new TarArchiveEntry(name);
    normalise(entry, 0644);
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  /** Streams a blob under {@code blobs/<alg>/<hex>}; its size must match the descriptor. */
  void blob(BuiltImage image, Descriptor descriptor) throws IOException {
    String name = blobName(descriptor);
    if (!written.add(name)) {
      return;
    }
    TarArchiveEntry entry = new TarArchiveEntry(name);
    normalise(entry, 0644);
    entry.setSize(descriptor.size());
    tar.putArchiveEntry(entry);
    long copied = 0;
    try (InputStream in = image.blobs().open(descriptor)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        if (copied + n > descriptor.size()) {
          throw new IOException(
              "blob "
                  + descriptor.digest()
                  + " is longer than its descriptor's "
                  + descriptor.size()
                  + " bytes");
        }
        tar.write(buffer, 0, n);
        copied += n;
      }
    }
    if (copied != descriptor.size()) {
      throw new IOException(
          "blob "
              + descriptor.digest()
              + " has "
              + copied
              + " bytes, its descriptor says "
              + descriptor.size());
    }
    tar.closeArchiveEntry();
  }

  static String blobName(Descriptor descriptor) {
    return "blobs/" + descriptor.digest().algorithm() + "/" + descriptor.digest().hex();
  }

  /** Writes the layout skeleton and every blob of {@code image}, manifest and config included. */
  void layoutBlobs(BuiltImage image) throws IOException {
    file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.US_ASCII));
    directory("blobs");
    directory("blobs/sha256");
    file(blobName(image.descriptor()), image.manifest().raw().toByteArray());
    file(blobName(image.manifest().config()), image.config().raw().toByteArray());
    // Layers a registry image has not brought into the store yet download side by side first.
    ParallelFetch.fetchAll(image.blobs(), image.manifest().layers());
    for (Descriptor layer : image.manifest().layers()) {
      blob(image, layer);
    }
  }

  private static void normalise(TarArchiveEntry entry, int mode) {
    entry.setMode((entry.isDirectory() ? 040000 : 0100000) | mode);
    entry.setModTime(new Date(0));
    entry.setIds(0, 0);
    entry.setUserName("");
    entry.setGroupName("");
  }

  @Override
  public void close() throws IOException {
    tar.finish();
    tar.close();
  }
}
