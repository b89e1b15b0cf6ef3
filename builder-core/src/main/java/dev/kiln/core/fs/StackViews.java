package dev.kiln.core.fs;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Makes the {@link StackView}s of one build: one per stack of layers (by chain ID), whatever stage,
 * image or step asks, so parallel stages on one base share its levels; indexes come from the
 * store's {@link LayerIndexStore}, bytes from the unpacked layer directories when they exist.
 */
public final class StackViews {
  private final LayerIndexStore indexes;
  private final Function<Digest, Optional<Path>> unpacked;
  private final Map<Digest, StackView> views = new ConcurrentHashMap<>();
  private final StackView empty;

  /**
   * @param unpacked the unpacked directory of a layer (by diffID) if the store has one now
   */
  public StackViews(LayerIndexStore indexes, Function<Digest, Optional<Path>> unpacked) {
    this.indexes = indexes;
    this.unpacked = unpacked;
    this.empty = StackView.empty(this);
  }

  /** The store's layer indexes. */
  public LayerIndexStore indexes() {
    return indexes;
  }

  /** The view of no layers. */
  public StackView empty() {
    return empty;
  }

  /** The view of {@code layers}, bottom first, read through {@code blobs}. */
  public StackView of(List<LayerRef> layers, BlobSource blobs) {
    StackView view = empty;
    for (LayerRef layer : layers) {
      view = on(view, layer, blobs);
    }
    return view;
  }

  StackView on(StackView below, LayerRef layer, BlobSource blobs) {
    StackView made = below.withLayer(source(layer, blobs));
    return views.computeIfAbsent(made.chainId().orElseThrow(), id -> made);
  }

  /** One layer as a view reads it. */
  public StackView.LayerSource source(LayerRef layer, BlobSource blobs) {
    LayerBytes bytes = new LayerBytes(layer, blobs, () -> unpacked.apply(layer.diffId()));
    return new StackView.LayerSource() {
      @Override
      public LayerIndex index() throws IOException {
        return indexes.get(layer, blobs);
      }

      @Override
      public LayerBytes bytes() {
        return bytes;
      }

      @Override
      public Digest diffId() {
        return layer.diffId();
      }
    };
  }
}
