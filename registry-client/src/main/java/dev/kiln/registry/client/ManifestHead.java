package dev.kiln.registry.client;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RepositoryScope;
import java.util.List;
import java.util.Optional;

/**
 * {@code HEAD /v2/<name>/manifests/<reference>}: whether a manifest exists and, from the headers,
 * its digest, media type and size, without downloading it. A 404 is an empty answer. A registry
 * that omits {@code Docker-Content-Digest} gives a result without a descriptor; the caller then
 * falls back to GET.
 */
final class ManifestHead implements Endpoint<Optional<ManifestHead.Result>> {

  /** What the HEAD said; {@code descriptor} is null if the registry did not send a digest. */
  record Result(Descriptor descriptor) {}

  private final ImageReference reference;
  private final boolean forPush;

  ManifestHead(ImageReference reference, boolean forPush) {
    this.reference = reference;
    this.forPush = forPush;
  }

  @Override
  public String action() {
    return "checking manifest " + reference;
  }

  @Override
  public RegistryRequest request() {
    return RegistryRequest.of("HEAD", ApiUrls.manifest(reference, reference.manifestReference()))
        .withHeader("Accept", MediaType.MANIFEST_ACCEPT)
        .forRegistry(
            reference.apiHost(),
            List.of(
                forPush
                    ? RepositoryScope.pullPush(reference.repository())
                    : RepositoryScope.pull(reference.repository())));
  }

  @Override
  public boolean handles(int status) {
    return status == 404 || (status >= 200 && status < 300);
  }

  @Override
  public Optional<Result> handle(RegistryResponse response) {
    if (response.status() == 404) {
      return Optional.empty();
    }
    String digestHeader = response.header("Docker-Content-Digest");
    String length = response.header("Content-Length");
    String type = MediaType.fromContentType(response.header("Content-Type"));
    if (digestHeader == null || length == null || type == null || type.isEmpty()) {
      return Optional.of(new Result(null));
    }
    try {
      Digest digest = Digest.parse(digestHeader.trim());
      if (reference.digest() != null && !reference.digest().equals(digest)) {
        return Optional.of(new Result(null));
      }
      return Optional.of(new Result(Descriptor.of(type, digest, Long.parseLong(length.trim()))));
    } catch (IllegalArgumentException e) {
      return Optional.of(new Result(null));
    }
  }
}
