package dev.kiln.api.place;

import dev.kiln.core.image.BlobSource;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
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
    return layerCache.apply(descriptor -> client.openBlob(repository, descriptor));
  }

  @Override
  public BlobToPush blobToPush(Descriptor descriptor) {
    // Mounted when the target is in the same registry; otherwise streamed from here.
    return new BlobToPush(descriptor, client.blobContent(repository, descriptor), repository);
  }
}
