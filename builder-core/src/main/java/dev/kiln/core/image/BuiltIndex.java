package dev.kiln.core.image;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished index and every image it lists (a built image and its attestation manifest). Each
 * descriptor of the index has its image here, so an output can always write all of them.
 */
public record BuiltIndex(ImageIndex index, List<BuiltImage> images) {
  public BuiltIndex {
    images = List.copyOf(images);
    Map<Digest, BuiltImage> byDigest = new HashMap<>();
    images.forEach(i -> byDigest.put(i.digest(), i));
    for (Descriptor d : index.manifests()) {
      if (!byDigest.containsKey(d.digest())) {
        throw new IllegalArgumentException(
            "the index lists " + d.digest() + " but has no image for it");
      }
    }
  }

  public Digest digest() {
    return index.raw().digest();
  }

  /** The index's own descriptor, as a tag points to it. */
  public Descriptor descriptor() {
    return Descriptor.of(index.mediaType(), index.raw().digest(), index.raw().size());
  }

  /** The index and everything its images store. */
  public long size() {
    long total = index.raw().size();
    for (BuiltImage i : images) {
      total += i.size();
    }
    return total;
  }
}
