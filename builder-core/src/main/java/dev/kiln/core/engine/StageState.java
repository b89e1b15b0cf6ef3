package dev.kiln.core.engine;

import dev.kiln.core.fs.StackView;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.registry.model.ImageConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A stage between two instructions: the image config so far (history included) and the layers so
 * far, with a way to read their blobs. Each instruction returns a new state; none is changed in
 * place. The root filesystem view is derived lazily from the layers, so config-only steps never
 * read a layer.
 */
public record StageState(
    ImageConfig config,
    List<LayerRef> layers,
    BlobSource blobs,
    StackView rootfs,
    List<String> args) {
  public StageState {
    layers = List.copyOf(layers);
    args = List.copyOf(args);
  }

  /** A state with no build arguments declared yet. */
  public StageState(ImageConfig config, List<LayerRef> layers, BlobSource blobs, StackView rootfs) {
    this(config, layers, blobs, rootfs, List.of());
  }

  /** This state with {@code names} declared as ARGs too (for RUN's history text). */
  public StageState withArgs(List<String> names) {
    List<String> all = new ArrayList<>(args);
    for (String name : names) {
      all.remove(name);
      all.add(name);
    }
    return new StageState(config, layers, blobs, rootfs, all);
  }

  /** A state with the same layers and a new config. */
  public StageState withConfig(ImageConfig newConfig) {
    return new StageState(newConfig, layers, blobs, rootfs, args);
  }

  /**
   * A state with one more layer on top. Its blob must be in the content store, which {@link #blobs}
   * always reads first.
   */
  public StageState withLayer(ImageConfig newConfig, LayerRef layer) {
    List<LayerRef> more = new ArrayList<>(layers);
    more.add(layer);
    return new StageState(newConfig, more, blobs, rootfs.withLayer(layer, blobs), args);
  }
}
