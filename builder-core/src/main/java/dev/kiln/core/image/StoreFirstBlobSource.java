package dev.kiln.core.image;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads blobs from kiln's content store, fetching a missing one from {@code origin} (a registry, an
 * OCI layout) into the store first, verified. So a base layer crosses the network at most once, and
 * only when something reads it.
 */
public final class StoreFirstBlobSource implements BlobSource {
  private final ContentStore store;
  private final BlobSource origin;

  public StoreFirstBlobSource(ContentStore store, BlobSource origin) {
    this.store = store;
    this.origin = origin;
  }

  @Override
  public InputStream open(Descriptor descriptor) throws IOException {
    if (!store.blobReader().contains(descriptor.digest())) {
      try (InputStream in = origin.open(descriptor)) {
        store.blobWriter().write(in, descriptor.digest(), descriptor.size());
      }
    }
    return store.blobReader().openVerified(descriptor.digest());
  }

  @Override
  public Optional<Path> localFile(Descriptor descriptor) {
    return store.blobReader().contains(descriptor.digest())
        ? Optional.of(store.paths().blob(descriptor.digest()))
        : origin.localFile(descriptor);
  }
}
