package dev.kiln.core.output;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.core.image.ParallelFetch;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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

  /**
   * Names {@code entry} by each of {@code names} (by its digest when there are none). A name that
   * already points at exactly this entry, as after a rebuild with nothing changed, is left as it
   * is: rewriting {@code index.json} under its lock, with its two syncs, would change nothing.
   */
  private void tag(IndexEntry entry, List<String> names) throws IOException {
    List<String> refs = names.isEmpty() ? List.of(entry.digest().toString()) : names;
    for (String name : refs) {
      if (!store.index().find(name).equals(Optional.of(entry.withRefName(name)))) {
        store.index().tag(name, entry);
      }
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
    // Named by the digests the manifest and the image carry: a rebuild that made the same image
    // finds both and writes (and syncs) neither again.
    writeIfMissing(image.manifest().config().digest(), image.config().raw().toByteArray());
    writeIfMissing(image.digest(), image.manifest().raw().toByteArray());
  }

  private void writeIfMissing(Digest digest, byte[] content) throws IOException {
    if (!store.blobReader().contains(digest)) {
      store.blobWriter().write(content);
    }
  }
}
