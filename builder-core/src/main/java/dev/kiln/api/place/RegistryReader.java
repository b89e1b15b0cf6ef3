package dev.kiln.api.place;

import dev.kiln.cache.store.BlobVerificationException;
import dev.kiln.core.image.BlobSource;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;

/** One repository of a registry, read through the registry client (verified, resumable). */
final class RegistryReader implements PlaceReader {
  private final RegistryClient client;
  private final ImageReference repository;
  private final Function<BlobSource, BlobSource> layerCache;

  /**
   * @param layerCache wraps the registry's blobs for sinks that read layers (kiln's store first, so
   *     a layer crosses the network once)
   */
  RegistryReader(
      RegistryClient client,
      ImageReference repository,
      Function<BlobSource, BlobSource> layerCache) {
    this.client = client;
    this.repository = repository.repositoryOnly();
    this.layerCache = layerCache;
  }

  @Override
  public String describe() {
    return "registry " + repository.name();
  }

  @Override
  public byte[] readManifest(Descriptor descriptor) throws IOException {
    return client
        .fetchManifest(repository.withDigest(descriptor.digest()))
        .manifest()
        .raw()
        .toByteArray();
  }

  @Override
  public byte[] readBlob(Descriptor descriptor) throws IOException {
    return client.readBlob(repository, descriptor);
  }

  @Override
  public BlobSource blobs() {
    return layerCache.apply(
        new BlobSource() {
          @Override
          public InputStream open(Descriptor descriptor) throws IOException {
            return client.openBlob(repository, descriptor);
          }

          @Override
          public InputStream openForVerifyingWriter(Descriptor descriptor) throws IOException {
            return client.openBlobForVerifyingWriter(repository, descriptor);
          }

          @Override
          public IOException wrongBytes(Descriptor descriptor, BlobVerificationException check) {
            IOException e = client.blobMismatch(repository, descriptor);
            e.addSuppressed(check);
            return e;
          }
        });
  }

  @Override
  public BlobToPush blobToPush(Descriptor descriptor) {
    // Mounted when the target is in the same registry; otherwise streamed from here.
    return new BlobToPush(descriptor, client.blobContent(repository, descriptor), repository);
  }
}
