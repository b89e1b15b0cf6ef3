package dev.kiln.api.place;

import dev.kiln.api.request.RequestException;
import dev.kiln.core.attest.AttestationManifest;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An image index assembled from images built or pulled separately (what {@code docker buildx
 * imagetools create} and {@code crane index append} do): each source's image, or each image of a
 * source index, becomes one entry, with the platform its config declares. The result reads its
 * manifests and blobs from the sources, so any sink writes it: a registry gets every image before
 * the index, the store or a layout the whole index. Manifests are kept byte for byte, so each entry
 * keeps its digest. A source index's attestation manifests are kept too, with their annotations,
 * after the images.
 */
public final class IndexAssembly {
  private IndexAssembly() {}

  /**
   * The index of {@code sources}' images: an OCI index, or a Docker manifest list when every image
   * has a Docker manifest.
   *
   * @throws RequestException when two images are for the same platform, or one declares none
   */
  public static LocatedImage of(String name, List<LocatedImage> sources) throws IOException {
    List<Descriptor> entries = new ArrayList<>();
    List<Descriptor> attestations = new ArrayList<>();
    Map<Digest, LocatedImage> images = new LinkedHashMap<>();
    Map<Platform, String> seen = new LinkedHashMap<>();
    for (LocatedImage source : sources) {
      List<LocatedImage> children = new ArrayList<>();
      if (source.isIndex()) {
        for (Descriptor d : source.index().manifests()) {
          if (isAttestationManifest(d)) {
            // Kept as the source lists it (platform unknown/unknown, the annotations naming its
            // image), after all the images, as BuildKit and imagetools create list them.
            attestations.add(d);
            images.put(d.digest(), source.child(d));
          } else {
            children.add(source.child(d));
          }
        }
      } else {
        children.add(source);
      }
      for (LocatedImage image : children) {
        if (image.isIndex()) {
          throw new RequestException(
              source.name() + " is an index of indexes", "name its images one by one");
        }
        Platform platform = image.config().platform();
        if (platform == null) {
          throw new RequestException(
              image.name() + "'s config names no OS and architecture, so no index can list it",
              "build it with --platform OS/ARCH");
        }
        String other = seen.putIfAbsent(platform.normalize(), image.name());
        if (other != null) {
          throw new RequestException(
              other + " and " + image.name() + " are both for " + platform.normalize(),
              "name one image per platform");
        }
        entries.add(image.descriptor().withPlatform(platform.normalize()));
        images.put(image.manifest().digest(), image);
      }
    }
    entries.addAll(attestations);
    boolean docker =
        !entries.isEmpty()
            && entries.stream().allMatch(d -> MediaType.DOCKER_MANIFEST.equals(d.mediaType()));
    ImageIndex index =
        ImageIndex.of(docker ? MediaType.DOCKER_MANIFEST_LIST : MediaType.OCI_INDEX, entries);
    return new LocatedImage(name, new Sources(index, images), index);
  }

  /** An attestation manifest BuildKit's way (a build's {@code --sbom}, {@code --provenance}). */
  private static boolean isAttestationManifest(Descriptor d) {
    return AttestationManifest.ATTESTATION_MANIFEST.equals(
        d.annotations().get(AttestationManifest.REFERENCE_TYPE));
  }

  /** The index's documents, and each image's through the place it came from. */
  private static final class Sources implements PlaceReader {
    private final ImageIndex index;
    private final Map<Digest, LocatedImage> images;
    private final Map<Digest, LocatedImage> owners = new LinkedHashMap<>();

    Sources(ImageIndex index, Map<Digest, LocatedImage> images) {
      this.index = index;
      this.images = images;
      for (LocatedImage image : images.values()) {
        ImageManifest m = image.imageManifest();
        owners.putIfAbsent(m.config().digest(), image);
        for (Descriptor layer : m.layers()) {
          owners.putIfAbsent(layer.digest(), image);
        }
      }
    }

    @Override
    public String describe() {
      return "the assembled index";
    }

    @Override
    public byte[] readManifest(Descriptor descriptor) throws IOException {
      if (descriptor.digest().equals(index.digest())) {
        return index.raw().toByteArray();
      }
      return image(images, descriptor).reader().readManifest(descriptor);
    }

    @Override
    public byte[] readBlob(Descriptor descriptor) throws IOException {
      return image(owners, descriptor).reader().readBlob(descriptor);
    }

    @Override
    public BlobSource blobs() {
      return new BlobSource() {
        @Override
        public InputStream open(Descriptor descriptor) throws IOException {
          return image(owners, descriptor).reader().blobs().open(descriptor);
        }

        @Override
        public InputStream openForVerifyingWriter(Descriptor descriptor) throws IOException {
          return image(owners, descriptor).reader().blobs().openForVerifyingWriter(descriptor);
        }

        @Override
        public IOException wrongBytes(
            Descriptor descriptor, dev.kiln.cache.store.BlobVerificationException check) {
          LocatedImage owner = owners.get(descriptor.digest());
          return owner == null ? check : owner.reader().blobs().wrongBytes(descriptor, check);
        }

        @Override
        public Optional<Path> fetchedFile(Descriptor descriptor) throws IOException {
          return image(owners, descriptor).reader().blobs().fetchedFile(descriptor);
        }

        @Override
        public Optional<Path> localFile(Descriptor descriptor) {
          LocatedImage owner = owners.get(descriptor.digest());
          return owner == null ? Optional.empty() : owner.reader().blobs().localFile(descriptor);
        }
      };
    }

    @Override
    public BlobToPush blobToPush(Descriptor descriptor) throws IOException {
      return image(owners, descriptor).reader().blobToPush(descriptor);
    }

    private static LocatedImage image(Map<Digest, LocatedImage> byDigest, Descriptor descriptor)
        throws ImageNotFoundException {
      LocatedImage image = byDigest.get(descriptor.digest());
      if (image == null) {
        throw new ImageNotFoundException(
            "the assembled index has no " + descriptor.digest(), "this is a bug in kiln");
      }
      return image;
    }
  }
}
