package dev.kiln.core.image;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished image index and every image it lists: the images of a multi-platform build (one per
 * platform), and the attestation manifests that go with images, in any mix. Each descriptor of the
 * index has its image here, so an output can always write all of them; the index's digest is the
 * build's.
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

  /**
   * The index of {@code images}, each entry carrying its platform: an OCI index when the manifests
   * are OCI ones, else a Docker manifest list, as BuildKit writes for {@code oci-mediatypes=false}.
   */
  public static BuiltIndex of(
      List<BuiltImage> images, List<Platform> platforms, Map<String, String> annotations) {
    List<Descriptor> entries = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      entries.add(images.get(i).descriptor().withPlatform(platforms.get(i)));
    }
    boolean oci =
        images.isEmpty() || MediaType.OCI_MANIFEST.equals(images.get(0).manifest().mediaType());
    ImageIndex index =
        ImageIndex.of(oci ? MediaType.OCI_INDEX : MediaType.DOCKER_MANIFEST_LIST, entries);
    if (!annotations.isEmpty()) {
      index = index.withAnnotations(annotations);
    }
    return new BuiltIndex(index, images);
  }

  public Digest digest() {
    return index.raw().digest();
  }

  /**
   * The index's own descriptor, as a layout's {@code index.json} or a registry tag points to it.
   */
  public Descriptor descriptor() {
    return Descriptor.of(index.mediaType(), index.raw().digest(), index.raw().size());
  }

  /** What a registry stores for the whole index: the index and every image's sizes. */
  public long size() {
    long total = index.raw().size();
    for (BuiltImage image : images) {
      total += image.size();
    }
    return total;
  }
}
