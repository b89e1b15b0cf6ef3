package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A blob that is not in the content store. */
public final class BlobNotFoundException extends NoSuchFileException {
  private final Digest digest;

  public BlobNotFoundException(Digest digest, Path root) {
    super(
        root.toString(),
        null,
        "blob " + digest + " is not in the content store at " + root + " (was it pruned?)");
    this.digest = digest;
  }

  /** The missing blob. */
  public Digest digest() {
    return digest;
  }

  @Override
  public String getMessage() {
    return getReason();
  }
}
