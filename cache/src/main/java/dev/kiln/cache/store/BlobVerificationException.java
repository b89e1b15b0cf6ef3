package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.io.IOException;

/**
 * Content did not match the digest or size it was announced with: a corrupt cache file, a truncated
 * download or a registry serving the wrong bytes. Nothing was published under the digest.
 */
public final class BlobVerificationException extends IOException {
  private final Digest expected;

  public BlobVerificationException(Digest expected, String message) {
    super(message);
    this.expected = expected;
  }

  /** The digest the content was supposed to have. */
  public Digest expected() {
    return expected;
  }
}
