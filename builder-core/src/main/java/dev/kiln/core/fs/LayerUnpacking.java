package dev.kiln.core.fs;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The store's unpacked layer directories as stack views use them: where a layer's files already
 * are, and a way to unpack a layer that a RUN step will stand on while indexing it in the same
 * pass.
 */
public interface LayerUnpacking {
  /** The unpacked directory of the layer {@code diffId}, if the store has one now. */
  Optional<Path> existing(Digest diffId);

  /**
   * Unpacks {@code layer} unless its directory exists, reading it through {@code blobs} once and
   * handing {@code indexes} its index as read (when they have none), and returns the directory.
   */
  Path unpack(LayerRef layer, BlobSource blobs, LayerIndexStore indexes) throws IOException;

  /** No directories: every file is read from its layer. */
  static LayerUnpacking none() {
    return new LayerUnpacking() {
      @Override
      public Optional<Path> existing(Digest diffId) {
        return Optional.empty();
      }

      @Override
      public Path unpack(LayerRef layer, BlobSource blobs, LayerIndexStore indexes) {
        throw new UnsupportedOperationException("no layer directories");
      }
    };
  }
}
