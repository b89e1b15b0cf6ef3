package dev.kiln.core.image;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.JsonBytes;
import java.util.ArrayList;
import java.util.List;

/**
 * A finished single-platform image: its manifest and config (each with the exact bytes that are
 * written and pushed) and where to read its layers. The image's digest is the manifest's.
 */
public record BuiltImage(ImageManifest manifest, ImageConfig config, BlobSource blobs) {
  public BuiltImage {
    JsonBytes configBytes = config.raw();
    if (!manifest.config().digest().equals(configBytes.digest())) {
      throw new IllegalArgumentException(
          "the manifest names config "
              + manifest.config().digest()
              + " but the config's bytes hash to "
              + configBytes.digest());
    }
  }

  public Digest digest() {
    return manifest.raw().digest();
  }

  /** The manifest's own descriptor, as an index or a registry tag points to it. */
  public Descriptor descriptor() {
    return Descriptor.of(manifest.mediaType(), manifest.raw().digest(), manifest.raw().size());
  }

  /** Config first, then layers: the order in which blobs are written or pushed. */
  public List<Descriptor> blobDescriptors() {
    List<Descriptor> all = new ArrayList<>();
    all.add(manifest.config());
    all.addAll(manifest.layers());
    return all;
  }

  /** Sum of the manifest, config and layer sizes: what a registry stores for this image. */
  public long size() {
    long total = manifest.raw().size();
    for (Descriptor d : blobDescriptors()) {
      total += d.size();
    }
    return total;
  }
}
