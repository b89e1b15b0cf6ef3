package dev.kiln.core.fs;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.DiffIdMismatchException;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Makes the {@link StackView}s of one build: one per stack of layers (by chain ID), whatever stage,
 * image or step asks, so parallel stages on one base share its levels; indexes come from the
 * store's {@link LayerIndexStore}, bytes from the unpacked layer directories when they exist.
 */
public final class StackViews {
  private final LayerIndexStore indexes;
  private final LayerUnpacking unpacking;
  private final Map<Digest, StackView> views = new ConcurrentHashMap<>();
  private final Map<Digest, RunBase> runOn = new ConcurrentHashMap<>();
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
   * Says that a RUN step will stand on {@code layers} (read through {@code blobs}), so they will be
   * unpacked anyway: when the first of them without an index is needed, all of them that have none
   * are unpacked at once, in parallel, and indexed as they are unpacked, one decompression each for
   * both, instead of being read one after the other for their indexes and again for their
   * directories.
   */
  public void willRunOn(List<LayerRef> layers, BlobSource blobs) {
    RunBase base = new RunBase(List.copyOf(layers), blobs);
    for (LayerRef layer : layers) {
      runOn.putIfAbsent(layer.diffId(), base);
    }
  }

  /** Layers a RUN will stand on, and where their blobs are. */
  private record RunBase(List<LayerRef> layers, BlobSource blobs) {}

  /** Unpacks (and so indexes) every layer of {@code base} that has no index yet. */
  private void unpackAll(RunBase base) throws IOException {
    List<LayerRef> missing = new ArrayList<>();
    for (LayerRef layer : base.layers()) {
      if (indexes.find(layer.diffId()).isEmpty()) {
        missing.add(layer);
      }
    }
    int threads = Math.min(missing.size(), Runtime.getRuntime().availableProcessors());
    if (threads <= 1) {
      for (LayerRef layer : missing) {
        unpackIfAlone(layer, base.blobs());
      }
      return;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            task -> {
              Thread t = new Thread(task, "kiln-unpack");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> unpacked = new ArrayList<>();
      for (LayerRef layer : missing) {
        unpacked.add(
            pool.submit(
                () -> {
                  unpackIfAlone(layer, base.blobs());
                  return null;
                }));
      }
      for (Future<?> f : unpacked) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while unpacking base layers");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private void unpackIfAlone(LayerRef layer, BlobSource blobs) throws IOException {
    try {
      unpacking.unpack(layer, blobs, indexes);
    } catch (IOException e) {
      if (e instanceof InterruptedIOException
          || e instanceof DiffIdMismatchException
          || Thread.currentThread().isInterrupted()) {
        throw e;
      }
      // A layer that only makes sense on the ones below it (a hard link to a file of a lower
      // layer) cannot be unpacked alone; RUN gives it a directory for its stack. It is indexed
      // by reading it, which also reports a layer that is damaged.
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
    LayerBytes bytes =
        new LayerBytes(
            layer, blobs, () -> unpacking.existing(layer.diffId()), indexes.verifiedBlobs());
    return new StackView.LayerSource() {
      @Override
      public LayerIndex index() throws IOException {
        RunBase base = runOn.get(layer.diffId());
        if (base != null && indexes.find(layer.diffId()).isEmpty()) {
          unpackAll(base);
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
