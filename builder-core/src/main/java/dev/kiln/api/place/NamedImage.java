package dev.kiln.api.place;

import java.util.List;

/**
 * One image of a layout or an archive, with the full references it is named by there ({@link
 * Places#images}).
 *
 * @param image the image (or index)
 * @param names full references ({@code docker.io/library/app:1}) from its {@code
 *     io.containerd.image.name} annotation, or from an {@code org.opencontainers.image.ref.name}
 *     that is a whole reference (a {@code docker save} archive's {@code RepoTags}); empty when the
 *     place names it by a tag alone, or not at all
 * @param tags the bare {@code org.opencontainers.image.ref.name} values (tags) that say no
 *     repository, for messages
 */
public record NamedImage(LocatedImage image, List<String> names, List<String> tags) {
  public NamedImage {
    names = List.copyOf(names);
    tags = List.copyOf(tags);
  }
}
