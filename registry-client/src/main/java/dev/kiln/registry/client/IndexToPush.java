package dev.kiln.registry.client;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A multi-platform image to push: the index and each image it lists. Every manifest the index
 * references must be among {@code images} (checked by digest), so the index is only pushed after
 * all of its children.
 */
public record IndexToPush(ImageIndex index, List<ImageToPush> images) {
  public IndexToPush {
    Objects.requireNonNull(index, "index");
    images = List.copyOf(images);
    Set<Digest> have = images.stream().map(i -> i.manifest().digest()).collect(Collectors.toSet());
    for (Descriptor d : index.manifests()) {
      if (!have.contains(d.digest())) {
        throw new IllegalArgumentException(
            "the index references manifest " + d.digest() + " but it is not among the images");
      }
    }
  }
}
