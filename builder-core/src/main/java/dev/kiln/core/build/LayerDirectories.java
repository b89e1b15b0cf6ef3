package dev.kiln.core.build;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.ExtractOptions;
import dev.kiln.core.layer.LayerExtractor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Every layer a RUN step needs, unpacked once into its own directory in overlayfs form under the
 * store ({@code layers/<diffID hex>}), named by content so every build and every kiln process
 * shares it. A directory appears only complete: it is unpacked beside its name and renamed into
 * place; if another process got there first, its copy is kept.
 */
final class LayerDirectories {
  private final Path root;

  LayerDirectories(Path root) {
    this.root = root;
  }

  Path get(LayerRef layer, BlobSource blobs) throws IOException {
    Path dir = root.resolve(layer.diffId().hex());
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Files.createDirectories(root);
    Path temp = Files.createTempDirectory(root, ".unpack-");
    try {
      // A layer without a "./" entry leaves the root as created: make that the usual 0755, not
      // the temp directory's 0700, or a non-root RUN could not enter "/".
      Files.setAttribute(temp, "unix:mode", 0755);
      try (InputStream blob = blobs.open(layer.blob())) {
        new LayerExtractor(temp, ExtractOptions.overlayLayer()).extract(blob);
      }
      try {
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        if (!Files.isDirectory(dir)) {
          throw e;
        }
      } catch (java.nio.file.DirectoryNotEmptyException e) {
        // Another process published the same layer first; its copy is identical.
      }
      return dir;
    } finally {
      if (Files.exists(temp)) {
        BuildRun.deleteTree(temp);
      }
    }
  }
}
