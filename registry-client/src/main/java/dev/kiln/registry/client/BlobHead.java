package dev.kiln.registry.client;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RepositoryScope;
import java.util.List;
import java.util.Optional;

/**
 * {@code HEAD /v2/<name>/blobs/<digest>}: the blob's size if the repository has it, empty on 404.
 */
final class BlobHead implements Endpoint<Optional<Long>> {
  private final ImageReference repository;
  private final Digest digest;
  private final boolean forPush;

  BlobHead(ImageReference repository, Digest digest, boolean forPush) {
    this.repository = repository;
    this.digest = digest;
    this.forPush = forPush;
  }

  @Override
  public String action() {
    return "checking blob " + digest + " in " + repository.name();
  }

  @Override
  public RegistryRequest request() {
    return RegistryRequest.of("HEAD", ApiUrls.blob(repository, digest))
        .forRegistry(
            repository.apiHost(),
            List.of(
                forPush
                    ? RepositoryScope.pullPush(repository.repository())
                    : RepositoryScope.pull(repository.repository())));
  }

  @Override
  public boolean handles(int status) {
    return status == 404 || (status >= 200 && status < 300);
  }

  @Override
  public Optional<Long> handle(RegistryResponse response) {
    if (response.status() == 404) {
      return Optional.empty();
    }
    String length = response.header("Content-Length");
    try {
      return Optional.of(length == null ? -1L : Long.parseLong(length.trim()));
    } catch (NumberFormatException e) {
      return Optional.of(-1L);
    }
  }
}
