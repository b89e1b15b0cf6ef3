package dev.kiln.core.image;

import dev.kiln.cache.store.BlobVerificationException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads blobs from kiln's content store, fetching a missing one from {@code origin} (a registry, an
 * OCI layout) into the store, verified. So a base layer crosses the network at most once, and only
 * when something reads it. A {@link #streaming} source hands the first reader the bytes as they
 * arrive instead of after the whole download, and does not read them back from disk.
 */
public final class StoreFirstBlobSource implements BlobSource {
  private final ContentStore store;
  private final BlobSource origin;

  private final boolean streaming;
  private final String image;

  /** A source that fetches a missing blob whole into the store before reading it from there. */
  public StoreFirstBlobSource(ContentStore store, BlobSource origin) {
    this(store, origin, false, origin.imageName());
  }

  private StoreFirstBlobSource(
      ContentStore store, BlobSource origin, boolean streaming, String image) {
    this.store = store;
    this.origin = origin;
    this.streaming = streaming;
    this.image = image;
  }

  /**
   * A source whose reader of a missing blob gets it while it is written into the store, checked
   * when the reader closes the stream (see {@link StoringBlobStream}): for a build's base layers,
   * whose readers (an unpacking, an index) publish what they made only after closing it.
   */
  public static StoreFirstBlobSource streaming(ContentStore store, BlobSource origin) {
    return new StoreFirstBlobSource(store, origin, true, origin.imageName());
  }

  /** A {@link #streaming} source of the image {@code image} (as the build named it). */
  public static StoreFirstBlobSource streaming(
      ContentStore store, BlobSource origin, String image) {
    return new StoreFirstBlobSource(store, origin, true, image);
  }

  @Override
  public String imageName() {
    return image;
  }

  @Override
  public InputStream open(Descriptor descriptor) throws IOException {
    if (!store.blobReader().contains(descriptor.digest())) {
      if (!streaming) {
        fetch(descriptor);
        // Just written and checked: reading it back need not hash it again.
        return store.blobReader().open(descriptor.digest());
      }
      // The store checks the digest as it writes, so the origin need not hash the bytes too.
      InputStream in = origin.openForVerifyingWriter(descriptor);
      try {
        return new StoringBlobStream(
            in, store.blobWriter().begin(descriptor.digest().algorithm()), descriptor, origin);
      } catch (IOException | RuntimeException e) {
        in.close();
        throw e;
      }
    }
    return store.blobReader().openVerified(descriptor.digest());
  }

  /** Copies the blob from the origin into the store; the store checks digest and size. */
  private void fetch(Descriptor descriptor) throws IOException {
    try (InputStream in = origin.openForVerifyingWriter(descriptor)) {
      store.blobWriter().write(in, descriptor.digest(), descriptor.size());
    } catch (BlobVerificationException e) {
      throw origin.wrongBytes(descriptor, e);
    }
  }

  /** The stored blob, fetched into the store first if it is missing. */
  @Override
  public Optional<Path> fetchedFile(Descriptor descriptor) throws IOException {
    if (!store.blobReader().contains(descriptor.digest())) {
      fetch(descriptor);
    }
    return Optional.of(store.paths().blob(descriptor.digest()));
  }

  @Override
  public Optional<Path> localFile(Descriptor descriptor) {
    return store.blobReader().contains(descriptor.digest())
        ? Optional.of(store.paths().blob(descriptor.digest()))
        : origin.localFile(descriptor);
  }
}
