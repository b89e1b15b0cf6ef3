package dev.kiln.core.engine;

import dev.kiln.core.fs.StackView;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A stage between two instructions: the image config so far (history included) and the layers so
 * far, with a way to read their blobs. Each instruction returns a new state; none is changed in
 * place. The root filesystem view is derived lazily from the layers, so config-only steps never
 * read a layer.
 *
 * @param identity what the state holds, times aside ({@link StateIdentity}), which the next step's
 *     key reads; null in a state a step has just made, until {@link StageRunner} records the step
 *     and sets it
 */
public record StageState(
    ImageConfig config,
    List<LayerRef> layers,
    BlobSource blobs,
    StackView rootfs,
    List<String> args,
    Digest identity) {
  public StageState {
    layers = List.copyOf(layers);
    args = List.copyOf(args);
  }

  /** A stage's first state, its identity taken from {@code config}. */
  public StageState(ImageConfig config, List<LayerRef> layers, BlobSource blobs, StackView rootfs) {
    this(config, layers, blobs, rootfs, List.of(), StateIdentity.of(config));
  }

  /** This state with {@code names} declared as ARGs too (for RUN's history text). */
  public StageState withArgs(List<String> names) {
    List<String> all = new ArrayList<>(args);
    for (String name : names) {
      all.remove(name);
      all.add(name);
    }
    return new StageState(config, layers, blobs, rootfs, all, identity);
  }

  /** A state with the same layers and a new config (its identity is unknown until recorded). */
  public StageState withConfig(ImageConfig newConfig) {
    return new StageState(newConfig, layers, blobs, rootfs, args, null);
  }

  /**
   * A state with one more layer on top (its identity is unknown until recorded). Its blob must be
   * in the content store, which {@link #blobs} always reads first.
   */
  public StageState withLayer(ImageConfig newConfig, LayerRef layer) {
    List<LayerRef> more = new ArrayList<>(layers);
    more.add(layer);
    return new StageState(newConfig, more, blobs, rootfs.withLayer(layer, blobs), args, null);
  }

  /** This state, known to hold what {@code newIdentity} names. */
  StageState withIdentity(Digest newIdentity) {
    return new StageState(config, layers, blobs, rootfs, args, newIdentity);
  }
}
