package dev.kiln.core.image;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/** Blobs from kiln's content store, verified as they are read. */
public final class StoreBlobSource implements BlobSource {
  private final ContentStore store;

  public StoreBlobSource(ContentStore store) {
    this.store = store;
  }

  @Override
  public InputStream open(Descriptor descriptor) throws IOException {
    return store.blobReader().openVerified(descriptor.digest());
  }

  @Override
  public Optional<Path> localFile(Descriptor descriptor) {
    return store.blobReader().contains(descriptor.digest())
        ? Optional.of(store.paths().blob(descriptor.digest()))
        : Optional.empty();
  }
}
