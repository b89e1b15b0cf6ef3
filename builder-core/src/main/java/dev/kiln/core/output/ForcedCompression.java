package dev.kiln.core.output;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.LayerRecord;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.layer.LayerRecompressor;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code force-compression=true}: every layer an output lists, base layers included, in the
 * compression (and, when one is given, the level) the output asks for. A layer already in that form
 * is kept; another is recompressed once ({@link LayerRecompressor}: streaming, through a pending
 * blob of the store, its diffID checked) and recorded in the store, so the next build, or another
 * output of this one, takes the recorded blob. The config does not change: the diffIDs stay.
 */
public final class ForcedCompression {
  private final ContentStore store;
  private final LayerOptions form;
  private final LayerRecompressor recompressor;

  public ForcedCompression(ContentStore store, LayerOptions form) {
    this.store = store;
    this.form = form;
    this.recompressor = new LayerRecompressor(store, form);
  }

  /** An image's layers in the output's form, and where to read them. */
  public record Layers(List<LayerRef> layers, BlobSource blobs, int recompressed) {}

  /**
   * {@code layers} in this form; {@code blobs} reads the ones kept, the store the ones made.
   *
   * @throws IOException if a layer cannot be read (a base layer is fetched for it) or written
   */
  public Layers apply(List<LayerRef> layers, BlobSource blobs) throws IOException {
    List<LayerRef> converted = new ArrayList<>();
    int recompressed = 0;
    for (LayerRef layer : layers) {
      Descriptor blob = layer.blob();
      if (MediaType.isForeignLayer(blob.mediaType()) || inForm(layer)) {
        converted.add(layer);
        continue;
      }
      boolean known = recompressor.recorded(layer.diffId()).isPresent();
      LayerRecord record = recompressor.convert(blob, layer.diffId(), blobs::open);
      if (!known) {
        recompressed++;
      }
      converted.add(
          new LayerRef(
              Descriptor.of(record.mediaType(), record.digest(), record.size()),
              layer.diffId(),
              record.uncompressedSize()));
    }
    return new Layers(converted, new StoreThenOrigin(store, blobs), recompressed);
  }

  /**
   * {@code layers} with those kiln wrote in {@code written}'s form (the store records them so) in
   * this form instead, and the others as they are: an output asking for another compression than
   * the build wrote its layers in, without forcing it, as BuildKit compresses the build's layers
   * per exporter and leaves base layers alone.
   */
  public Layers applyToWritten(List<LayerRef> layers, BlobSource blobs, LayerOptions written)
      throws IOException {
    LayerRecompressor builds = new LayerRecompressor(store, written);
    List<LayerRef> converted = new ArrayList<>();
    int recompressed = 0;
    for (LayerRef layer : layers) {
      Optional<LayerRecord> own = builds.recorded(layer.diffId());
      if (own.isEmpty() || !own.get().digest().equals(layer.blob().digest())) {
        converted.add(layer);
        continue;
      }
      Layers one = apply(List.of(layer), blobs);
      converted.add(one.layers().get(0));
      recompressed += one.recompressed();
    }
    return new Layers(converted, new StoreThenOrigin(store, blobs), recompressed);
  }

  /**
   * Whether {@code layer} is in this form already: the same compression, and, when a level was
   * asked for, the very blob recorded for that level (a base layer's level is unknown).
   */
  private boolean inForm(LayerRef layer) throws IOException {
    if (LayerRecompressor.compressionOf(layer.blob().mediaType()) != form.compression()) {
      return false;
    }
    if (form.defaultLevelChosen()) {
      return true;
    }
    Optional<LayerRecord> recorded = recompressor.recorded(layer.diffId());
    return recorded.isPresent() && recorded.get().digest().equals(layer.blob().digest());
  }

  /** Reads a recompressed blob from the store, any other from the image's own source. */
  private record StoreThenOrigin(ContentStore store, BlobSource origin) implements BlobSource {
    @Override
    public InputStream open(Descriptor descriptor) throws IOException {
      if (store.blobReader().contains(descriptor.digest())) {
        return store.blobReader().openVerified(descriptor.digest());
      }
      return origin.open(descriptor);
    }

    @Override
    public InputStream openForVerifyingWriter(Descriptor descriptor) throws IOException {
      if (store.blobReader().contains(descriptor.digest())) {
        return store.blobReader().openVerified(descriptor.digest());
      }
      return origin.openForVerifyingWriter(descriptor);
    }

    @Override
    public IOException wrongBytes(
        Descriptor descriptor, dev.kiln.cache.store.BlobVerificationException check) {
      return origin.wrongBytes(descriptor, check);
    }

    @Override
    public Optional<Path> fetchedFile(Descriptor descriptor) throws IOException {
      return store.blobReader().contains(descriptor.digest())
          ? Optional.of(store.paths().blob(descriptor.digest()))
          : origin.fetchedFile(descriptor);
    }

    @Override
    public Optional<Path> localFile(Descriptor descriptor) {
      return store.blobReader().contains(descriptor.digest())
          ? Optional.of(store.paths().blob(descriptor.digest()))
          : origin.localFile(descriptor);
    }
  }
}
