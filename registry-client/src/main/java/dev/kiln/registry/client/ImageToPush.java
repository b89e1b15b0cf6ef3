package dev.kiln.registry.client;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image to push: its manifest and a {@link BlobToPush} for the config and every layer. The
 * constructor checks that every blob the manifest references has a source (foreign layers excepted:
 * registries do not store them), so a push can never send a manifest whose blobs it did not make
 * sure of.
 */
public record ImageToPush(ImageManifest manifest, List<BlobToPush> blobs) {
  public ImageToPush {
    Objects.requireNonNull(manifest, "manifest");
    blobs = List.copyOf(blobs);
    Map<Digest, BlobToPush> byDigest = new HashMap<>();
    for (BlobToPush b : blobs) {
      byDigest.put(b.descriptor().digest(), b);
    }
    for (Descriptor needed : manifest.blobs()) {
      if (MediaType.isForeignLayer(needed.mediaType())) {
        continue;
      }
      BlobToPush have = byDigest.get(needed.digest());
      if (have == null) {
        throw new IllegalArgumentException(
            "the manifest references " + needed.digest() + " but no source for it was given");
      }
      if (have.descriptor().size() != needed.size()) {
        throw new IllegalArgumentException(
            "blob "
                + needed.digest()
                + " has size "
                + needed.size()
                + " in the manifest but "
                + have.descriptor().size()
                + " in its source");
      }
    }
  }

  /** The blobs to put in the registry: one per distinct digest, config first. */
  List<BlobToPush> distinctBlobs() {
    Map<Digest, BlobToPush> byDigest = new HashMap<>();
    for (BlobToPush b : blobs) {
      byDigest.putIfAbsent(b.descriptor().digest(), b);
    }
    return manifest.blobs().stream()
        .filter(d -> !MediaType.isForeignLayer(d.mediaType()))
        .map(Descriptor::digest)
        .distinct()
        .map(byDigest::get)
        .toList();
  }
}
