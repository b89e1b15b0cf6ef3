package dev.kiln.registry.client;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RepositoryScope;
import dev.kiln.registry.transport.RequestBody;
import java.util.List;

/**
 * {@code PUT /v2/<name>/manifests/<tag or digest>} with the manifest's exact bytes and media type.
 * Idempotent, so it may be retried. The registry's {@code Docker-Content-Digest}, when sent, must
 * be the digest of those bytes.
 */
final class ManifestPut implements Endpoint<Digest> {
  private final ImageReference repository;
  private final String reference;
  private final Manifest manifest;

  /**
   * @param reference a tag, or the manifest's own digest
   */
  ManifestPut(ImageReference repository, String reference, Manifest manifest) {
    this.repository = repository;
    this.reference = reference;
    this.manifest = manifest;
  }

  @Override
  public String action() {
    return "pushing manifest " + repository.repositoryOnly() + ":" + reference;
  }

  @Override
  public RegistryRequest request() {
    return RegistryRequest.of("PUT", ApiUrls.manifest(repository, reference))
        .withBody(RequestBody.of(manifest.raw().toByteArray(), manifest.mediaType()))
        .withBufferLimit(64 * 1024)
        .forRegistry(
            repository.apiHost(), List.of(RepositoryScope.pullPush(repository.repository())));
  }

  @Override
  public Digest handle(RegistryResponse response) throws ContentVerificationException {
    String header = response.header("Docker-Content-Digest");
    if (header != null) {
      try {
        Digest claimed = Digest.parse(header.trim());
        if (claimed.algorithm().equals("sha256") && !claimed.equals(manifest.digest())) {
          throw new ContentVerificationException(
              action(),
              "the registry stored the manifest under "
                  + claimed
                  + " but kiln sent bytes with digest "
                  + manifest.digest());
        }
      } catch (IllegalArgumentException e) {
        // an unparseable header says nothing either way
      }
    }
    return manifest.digest();
  }
}
