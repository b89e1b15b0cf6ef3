package dev.kiln.api.place;

import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A built image as a place to read from, so that a build's result goes to the sinks a copied image
 * goes to: its manifest and config are in memory, its layers where the build left them, and a layer
 * that came from a registry image names that image's repository, so a push to the same registry
 * mounts it instead of downloading and uploading it.
 */
final class BuiltImageReader implements PlaceReader {
  private final BuiltImage image;
  private final Map<Digest, ImageReference> mountSources;

  BuiltImageReader(BuiltImage image, Map<Digest, ImageReference> mountSources) {
    this.image = image;
    this.mountSources = Map.copyOf(mountSources);
  }

  @Override
  public String describe() {
    return "the built image";
  }

  @Override
  public byte[] readManifest(Descriptor descriptor) throws IOException {
    if (!descriptor.digest().equals(image.digest())) {
      throw new ImageNotFoundException(
          "the built image has no manifest " + descriptor.digest(), "this is a bug in kiln");
    }
    return image.manifest().raw().toByteArray();
  }

  @Override
  public byte[] readBlob(Descriptor descriptor) throws IOException {
    if (descriptor.digest().equals(image.manifest().config().digest())) {
      return image.config().raw().toByteArray();
    }
    try (InputStream in = image.blobs().open(descriptor)) {
      return in.readAllBytes();
    }
  }

  @Override
  public dev.kiln.core.image.BlobSource blobs() {
    return image.blobs();
  }

  @Override
  public BlobToPush blobToPush(Descriptor descriptor) {
    Optional<Path> file = image.blobs().localFile(descriptor);
    BlobContent source =
        file.isPresent()
            ? BlobContent.ofFile(file.get())
            : BlobContent.of(() -> image.blobs().open(descriptor));
    return new BlobToPush(descriptor, source, mountSources.get(descriptor.digest()));
  }
}
