package dev.kiln.api.place;

import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.IndexToPush;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MalformedDocumentException;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An image (or a multi-platform index) found in a place: its top-level manifest, read eagerly (it
 * is small), and the reader its other documents and blobs are read from when needed.
 *
 * @param name what the user called it, for messages
 */
public record LocatedImage(String name, PlaceReader reader, Manifest manifest) {

  /**
   * A built image, to write it through a sink.
   *
   * @param mountSources for layers that came from a registry image: the repository they are in
   */
  public static LocatedImage of(
      BuiltImage image, Map<Digest, ImageReference> mountSources, String name) {
    return new LocatedImage(name, new BuiltImageReader(image, mountSources), image.manifest());
  }

  /** The manifest's own descriptor (what a tag points at). */
  public Descriptor descriptor() {
    return Descriptor.of(manifest.mediaType(), manifest.digest(), manifest.raw().size());
  }

  public boolean isIndex() {
    return manifest instanceof ImageIndex;
  }

  public ImageIndex index() {
    return (ImageIndex) manifest;
  }

  public ImageManifest imageManifest() {
    if (manifest instanceof ImageManifest m) {
      return m;
    }
    throw new IllegalStateException(name + " is an index; choose a platform first");
  }

  /** A manifest the index lists, read from the same reader. */
  public LocatedImage child(Descriptor descriptor) throws IOException {
    byte[] bytes = reader.readManifest(descriptor);
    return new LocatedImage(
        name, reader, Manifests.parse(bytes, descriptor.mediaType(), name + "@" + descriptor));
  }

  /** This image if it is one, else the index's image for {@code platform} (nested indexes too). */
  public LocatedImage forPlatform(Platform platform) throws IOException {
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

  /**
   * What a registry stores for this single-platform image: the manifest, config and layer sizes,
   * all known from the manifest.
   */
  public long size() {
    ImageManifest m = imageManifest();
    long total = m.raw().size() + m.config().size();
    for (Descriptor layer : m.layers()) {
      total += layer.size();
    }
    return total;
  }

  /** The config of this single-platform image. */
  public ImageConfig config() throws IOException {
    byte[] bytes = reader.readBlob(imageManifest().config());
    try {
      return ImageConfig.parse(bytes);
    } catch (MalformedDocumentException e) {
      throw new IOException(name + ": the image config is not valid: " + e.getMessage(), e);
    }
  }

  /** This single-platform image in the form kiln's outputs write. */
  public BuiltImage builtImage() throws IOException {
    return new BuiltImage(imageManifest(), config(), reader.blobs());
  }

  /** This single-platform image with a source for each blob, for the registry client. */
  public ImageToPush toPush() throws IOException {
    ImageManifest m = imageManifest();
    List<BlobToPush> blobs = new ArrayList<>();
    blobs.add(BlobToPush.of(m.config(), BlobContent.ofBytes(reader.readBlob(m.config()))));
    for (Descriptor layer : m.layers()) {
      if (!MediaType.isForeignLayer(layer.mediaType())) {
        blobs.add(reader.blobToPush(layer));
      }
    }
    return new ImageToPush(m, blobs);
  }

  /** This index and every image it lists, for the registry client. */
  public IndexToPush toPushIndex() throws IOException {
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
