package dev.kiln.registry.client;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RepositoryScope;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /v2/<name>/referrers/<digest>} (OCI distribution 1.1): an index of the manifests whose
 * {@code subject} is that digest. Empty when the registry does not implement the API (404); the
 * client then falls back to the {@code sha256-<hex>} tag schema.
 */
final class ReferrersGet implements Endpoint<Optional<ImageIndex>> {
  private final ImageReference repository;
  private final Digest subject;
  private final String artifactType;

  ReferrersGet(ImageReference repository, Digest subject, String artifactType) {
    this.repository = repository;
    this.subject = subject;
    this.artifactType = artifactType;
  }

  @Override
  public String action() {
    return "listing referrers of " + repository.name() + "@" + subject;
  }

  @Override
  public RegistryRequest request() {
    return RegistryRequest.of("GET", ApiUrls.referrers(repository, subject, artifactType))
        .withHeader("Accept", MediaType.OCI_INDEX)
        .withBufferLimit(ManifestGet.MAX_MANIFEST_BYTES)
        .forRegistry(repository.apiHost(), List.of(RepositoryScope.pull(repository.repository())));
  }

  @Override
  public boolean handles(int status) {
    return status == 404 || (status >= 200 && status < 300);
  }

  @Override
  public Optional<ImageIndex> handle(RegistryResponse response) throws IOException {
    if (response.status() == 404) {
      return Optional.empty();
    }
    String type = MediaType.fromContentType(response.header("Content-Type"));
    if (type != null && !type.isEmpty() && !MediaType.OCI_INDEX.equals(type)) {
      // Some registries answer unknown paths with an HTML page and 200.
      return Optional.empty();
    }
    return Optional.of(
        ImageIndex.parse(response.bodyBytes(ManifestGet.MAX_MANIFEST_BYTES), MediaType.OCI_INDEX));
  }
}
