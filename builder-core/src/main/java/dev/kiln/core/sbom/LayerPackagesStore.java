package dev.kiln.core.sbom;

import dev.kiln.cache.store.AtomicFile;
import dev.kiln.cache.store.StorePaths;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The {@link LayerPackages} of one content store, kept beside the layer indexes under each layer's
 * diffID: a layer's files are scanned for packages once, and every later SBOM of an image holding
 * the layer (a rebuild, another image on the same base) reads the few kilobytes kept here instead
 * of decompressing the layer. The pruner deletes them with the layer's index.
 */
public final class LayerPackagesStore {
  private final StorePaths paths;

  public LayerPackagesStore(StorePaths paths) {
    this.paths = paths;
  }

  /** What the scan found in the layer {@code diffId}, if it was scanned with today's catalogers. */
  Optional<LayerPackages> get(Digest diffId) {
    try {
      return LayerPackages.fromJson(Files.readAllBytes(paths.layerPackages(diffId)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // unreadable: the layer is scanned again
    }
  }

  /** Keeps {@code facts} for the layer {@code diffId} (written whole, or not at all). */
  void put(Digest diffId, LayerPackages facts) throws IOException {
    Path file = paths.layerPackages(diffId);
    Files.createDirectories(file.getParent());
    AtomicFile.write(file, facts.toJson());
  }
}
