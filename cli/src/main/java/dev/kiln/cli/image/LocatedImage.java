package dev.kiln.cli.image;

import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.IndexToPush;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MalformedDocumentException;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An image (or a multi-platform index) found somewhere: its top-level manifest, read eagerly (it is
 * small), and the location its other documents and blobs are read from when needed.
 *
 * @param name what the user called it, for messages
 */
record LocatedImage(String name, ImageLocation location, Manifest manifest) {

  /** The manifest's own descriptor (what a tag points at). */
  Descriptor descriptor() {
    return Descriptor.of(manifest.mediaType(), manifest.digest(), manifest.raw().size());
  }

  boolean isIndex() {
    return manifest instanceof ImageIndex;
  }

  ImageIndex index() {
    return (ImageIndex) manifest;
  }

  ImageManifest imageManifest() {
    if (manifest instanceof ImageManifest m) {
      return m;
    }
    throw new IllegalStateException(name + " is an index; choose a platform first");
  }

  /** A manifest the index lists, read from the same location. */
  LocatedImage child(Descriptor descriptor) throws IOException {
    byte[] bytes = location.readManifest(descriptor);
    return new LocatedImage(
        name, location, Manifests.parse(bytes, descriptor.mediaType(), name + "@" + descriptor));
  }

  /** This image if it is one, else the index's image for {@code platform} (nested indexes too). */
  LocatedImage forPlatform(Platform platform) throws IOException {
    if (!isIndex()) {
      return this;
    }
    Descriptor chosen =
        index()
            .manifestFor(platform)
            .orElseThrow(
                () ->
                    new ImageNotFoundException(
                        name + " has no image for platform " + platform,
                        "it has " + index().platforms() + "; pass --platform with one of them"));
    return child(chosen).forPlatform(platform);
  }

  /** The config of this single-platform image. */
  ImageConfig config() throws IOException {
    byte[] bytes = location.readBlob(imageManifest().config());
    try {
      return ImageConfig.parse(bytes);
    } catch (MalformedDocumentException e) {
      throw new IOException(name + ": the image config is not valid: " + e.getMessage(), e);
    }
  }

  /** This single-platform image in the form kiln's outputs write. */
  BuiltImage builtImage() throws IOException {
    return new BuiltImage(imageManifest(), config(), location.blobs());
  }

  /** This single-platform image with a source for each blob, for the registry client. */
  ImageToPush toPush() throws IOException {
    ImageManifest m = imageManifest();
    List<BlobToPush> blobs = new ArrayList<>();
    blobs.add(BlobToPush.of(m.config(), BlobContent.ofBytes(location.readBlob(m.config()))));
    for (Descriptor layer : m.layers()) {
      if (!MediaType.isForeignLayer(layer.mediaType())) {
        blobs.add(location.blobToPush(layer));
      }
    }
    return new ImageToPush(m, blobs);
  }

  /** This index and every image it lists, for the registry client. */
  IndexToPush toPushIndex() throws IOException {
    List<ImageToPush> images = new ArrayList<>();
    for (Descriptor d : index().manifests()) {
      LocatedImage child = child(d);
      if (child.isIndex()) {
        throw new ImageNotFoundException(
            name + " is an index of indexes, which kiln cannot push whole",
            "pass --platform to push one platform's image");
      }
      images.add(child.toPush());
    }
    return new IndexToPush(index(), images);
  }
}
