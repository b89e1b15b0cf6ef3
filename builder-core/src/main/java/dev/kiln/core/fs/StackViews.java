package dev.kiln.core.fs;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the {@link StackView}s of one build: one per stack of layers (by chain ID), whatever stage,
 * image or step asks, so parallel stages on one base share its levels; indexes come from the
 * store's {@link LayerIndexStore}, bytes from the unpacked layer directories when they exist.
 */
public final class StackViews {
  private final LayerIndexStore indexes;
  private final LayerUnpacking unpacking;
  private final Map<Digest, StackView> views = new ConcurrentHashMap<>();
  private final Set<Digest> runOn = ConcurrentHashMap.newKeySet();
  private final StackView empty;

  /**
   * @param unpacking the store's unpacked layer directories
   */
  public StackViews(LayerIndexStore indexes, LayerUnpacking unpacking) {
    this.indexes = indexes;
    this.unpacking = unpacking;
    this.empty = StackView.empty(this);
  }

  /**
   * Says that a RUN step will stand on {@code layers}, so they will be unpacked anyway: a layer of
   * them not indexed yet is then indexed by unpacking it, one decompression for both, instead of
   * being read once for its index and again for its directory.
   */
  public void willRunOn(List<LayerRef> layers) {
    for (LayerRef layer : layers) {
      runOn.add(layer.diffId());
    }
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
    LayerBytes bytes = new LayerBytes(layer, blobs, () -> unpacking.existing(layer.diffId()));
    return new StackView.LayerSource() {
      @Override
      public LayerIndex index() throws IOException {
        if (runOn.contains(layer.diffId()) && indexes.find(layer.diffId()).isEmpty()) {
          try {
            unpacking.unpack(layer, blobs, indexes);
          } catch (IOException e) {
            if (e instanceof InterruptedIOException || Thread.currentThread().isInterrupted()) {
              throw e;
            }
            // A layer that only makes sense on the ones below it (a hard link to a file of a
            // lower layer) cannot be unpacked alone; RUN gives it a directory for its stack.
            // Index it by reading it, which also reports a layer that is damaged.
          }
        }
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
