package dev.kiln.core.output;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.core.image.ParallelFetch;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --output type=image} without push (and the default output): the image stays in kiln's
 * content store, named in its {@code index.json} by each full reference (or by its digest when it
 * has no name), where {@code kiln push} and {@code FROM oci-layout://} can find it.
 */
public final class LocalStoreOutput implements ImageOutput {
  private final ContentStore store;

  public LocalStoreOutput(ContentStore store) {
    this.store = store;
  }

  @Override
  public String describe() {
    return "local store " + store.paths().root();
  }

  /**
   * {@inheritDoc}
   *
   * <p>A full disk or a file-system failure inside the store names the store.
   */
  @Override
  public void write(BuiltImage image, List<String> names) throws IOException {
    try {
      store(image, names);
    } catch (IOException e) {
      throw FileSystemFailures.within(store.paths().root(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every image's blobs and manifest are stored before the index, which the names point to.
   */
  @Override
  public void writeIndex(BuiltIndex index, List<String> names) throws IOException {
    try {
      for (BuiltImage image : index.images()) {
        storeBlobs(image);
      }
      store.blobWriter().write(index.index().raw().toByteArray());
      tag(
          IndexEntry.of(
              index.index().mediaType(), index.descriptor().digest(), index.descriptor().size()),
          names);
    } catch (IOException e) {
      throw FileSystemFailures.within(store.paths().root(), e);
    }
  }

  private void store(BuiltImage image, List<String> names) throws IOException {
    storeBlobs(image);
    tag(
        IndexEntry.of(image.manifest().mediaType(), image.digest(), image.manifest().raw().size()),
        names);
  }

  private void tag(IndexEntry entry, List<String> names) throws IOException {
    if (names.isEmpty()) {
      store.index().tag(entry.digest().toString(), entry);
    }
    for (String name : names) {
      store.index().tag(name, entry);
    }
  }

  private void storeBlobs(BuiltImage image) throws IOException {
    List<Descriptor> missing = new ArrayList<>();
    for (Descriptor layer : image.manifest().layers()) {
      if (!store.blobReader().contains(layer.digest())) {
        missing.add(layer);
      }
    }
    // A source that keeps what it fetches in this store (a registry image read through it) puts
    // the blobs here itself, verified; only what is still missing then is copied.
    ParallelFetch.fetchAll(image.blobs(), missing);
    for (Descriptor layer : missing) {
      if (!store.blobReader().contains(layer.digest())) {
        try (InputStream in = image.blobs().open(layer)) {
          store.blobWriter().write(in, layer.digest(), layer.size());
        }
      }
    }
    store.blobWriter().write(image.config().raw().toByteArray());
    store.blobWriter().write(image.manifest().raw().toByteArray());
  }
}
