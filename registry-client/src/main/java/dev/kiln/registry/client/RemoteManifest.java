package dev.kiln.registry.client;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.reference.ImageReference;

/**
 * A manifest or index as a registry served it: the parsed document (with its exact bytes) and the
 * reference it was fetched by. Its digest is the digest of the bytes, verified against the
 * reference's digest and the registry's {@code Docker-Content-Digest} header.
 */
public record RemoteManifest(ImageReference reference, Manifest manifest) {

  public Digest digest() {
    return manifest.digest();
  }

  public Descriptor descriptor() {
    return manifest.descriptor();
  }

  public boolean isIndex() {
    return manifest instanceof ImageIndex;
  }

  /** The image manifest; throws if this is an index. */
  public ImageManifest imageManifest() {
    if (manifest instanceof ImageManifest m) {
      return m;
    }
    throw new IllegalStateException(reference + " is an index, not an image manifest");
  }

  /** The index; throws if this is an image manifest. */
  public ImageIndex index() {
    if (manifest instanceof ImageIndex i) {
      return i;
    }
    throw new IllegalStateException(reference + " is an image manifest, not an index");
  }
}
