package dev.kiln.core.engine;

import dev.kiln.cache.buildcache.CacheResult;
import dev.kiln.cache.buildcache.CachedLayer;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A stage between two instructions: the image config so far (history included) and the layers so
 * far, with a way to read their blobs. Each instruction returns a new state; none is changed in
 * place. The root filesystem view is derived lazily from the layers, so config-only steps never
 * read a layer.
 *
 * <p>The config is lazy too: steps reused from the cache add their recorded config changes to a
 * chain, and {@link #config()} applies the whole chain at once when a step needs the config (a
 * RUN's environment, a step that runs, the stage's result). Applying each change to the whole
 * config, one cached step after another, cost the size of the config per step: a rebuild of 2,000
 * LABEL lines spent most of its time there.
 */
public final class StageState {
  /** A cached step's recorded change, on top of the ones before it. */
  private record Recorded(Recorded below, CacheResult result) {}

  private final ImageConfig base;
  private final Recorded pending;
  private final List<LayerRef> layers;
  private final BlobSource blobs;
  private final StackView rootfs;
  private final List<String> args;
  private final Digest identity;
  private ImageConfig config;

  private StageState(
      ImageConfig base,
      Recorded pending,
      List<LayerRef> layers,
      BlobSource blobs,
      StackView rootfs,
      List<String> args,
      Digest identity,
      ImageConfig applied) {
    this.base = base;
    this.pending = pending;
    this.layers = List.copyOf(layers);
    this.blobs = blobs;
    this.rootfs = rootfs;
    this.args = List.copyOf(args);
    this.identity = identity;
    this.config = pending == null ? base : applied;
  }

  /** A stage's first state, its identity taken from {@code config}. */
  public StageState(ImageConfig config, List<LayerRef> layers, BlobSource blobs, StackView rootfs) {
    this(config, null, layers, blobs, rootfs, List.of(), StateIdentity.of(config), null);
  }

  /** The image config so far, history included. */
  public synchronized ImageConfig config() {
    if (config == null) {
      Deque<CacheResult> changes = new ArrayDeque<>();
      for (Recorded r = pending; r != null; r = r.below()) {
        changes.addFirst(r.result());
      }
      config = ConfigDelta.applyAll(base, List.copyOf(changes));
    }
    return config;
  }

  /** The layers so far, bottom first. */
  public List<LayerRef> layers() {
    return layers;
  }

  /** Where the layers' blobs are read from (the content store first). */
  public BlobSource blobs() {
    return blobs;
  }

  /** The files of the stage. */
  public StackView rootfs() {
    return rootfs;
  }

  /** The ARG names declared so far, for RUN's history text. */
  public List<String> args() {
    return args;
  }

  /**
   * What the state holds, times aside ({@link StateIdentity}), which the next step's key reads;
   * null in a state a step has just made, until {@link StageRunner} records the step and sets it.
   */
  public Digest identity() {
    return identity;
  }

  /** This state with {@code names} declared as ARGs too (for RUN's history text). */
  public StageState withArgs(List<String> names) {
    List<String> all = new ArrayList<>(args);
    for (String name : names) {
      all.remove(name);
      all.add(name);
    }
    return new StageState(base, pending, layers, blobs, rootfs, all, identity, applied());
  }

  /** A state with the same layers and a new config (its identity is unknown until recorded). */
  public StageState withConfig(ImageConfig newConfig) {
    return new StageState(newConfig, null, layers, blobs, rootfs, args, null, null);
  }

  /**
   * A state with one more layer on top (its identity is unknown until recorded). Its blob must be
   * in the content store, which {@link #blobs} always reads first.
   */
  public StageState withLayer(ImageConfig newConfig, LayerRef layer) {
    List<LayerRef> more = new ArrayList<>(layers);
    more.add(layer);
    return new StageState(
        newConfig, null, more, blobs, rootfs.withLayer(layer, blobs), args, null, null);
  }

  /**
   * The state after a cached step: its layers on top, its recorded config change added to the chain
   * {@link #config()} applies (its identity is unknown until recorded).
   */
  StageState withRecorded(CacheResult result) {
    List<LayerRef> more = new ArrayList<>(layers);
    StackView view = rootfs;
    for (CachedLayer layer : result.layers()) {
      LayerRef ref = new LayerRef(layer.blob(), layer.diffId(), layer.uncompressedSize());
      more.add(ref);
      view = view.withLayer(ref, blobs);
    }
    return new StageState(base, new Recorded(pending, result), more, blobs, view, args, null, null);
  }

  /** This state, known to hold what {@code newIdentity} names. */
  StageState withIdentity(Digest newIdentity) {
    return new StageState(base, pending, layers, blobs, rootfs, args, newIdentity, applied());
  }

  /** The config if it has been applied already, else null. */
  private synchronized ImageConfig applied() {
    return config;
  }
}
