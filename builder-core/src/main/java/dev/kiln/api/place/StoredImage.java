package dev.kiln.api.place;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Platform;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An image kiln's local store names, as {@code kiln images} lists it.
 *
 * @param name its full reference ({@code docker.io/library/app:1}); empty for an image kept by its
 *     digest only (built or pulled without a name)
 * @param digest the manifest's (or index's) digest
 * @param mediaType the manifest's (or index's) media type
 * @param size the bytes of its manifest, config and layers as its manifests give them (an index: of
 *     every image it lists, each blob once)
 * @param created the config's {@code created} (an index: its newest image's), if it has one
 * @param platforms the platform of each image (one for a single image)
 * @param problem why it could not be read (a blob missing from the store), if it could not
 */
public record StoredImage(
    Optional<String> name,
    Digest digest,
    String mediaType,
    long size,
    Optional<Instant> created,
    List<Platform> platforms,
    Optional<String> problem) {
  public StoredImage {
    platforms = List.copyOf(platforms);
  }
}
