package dev.kiln.registry.client;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RepositoryScope;
import java.util.List;

/**
 * {@code GET /v2/<name>/blobs/<digest>}, from {@code offset} on with a {@code Range} header when
 * resuming. The response stays open for the caller to stream; redirects to blob storage are
 * followed below (without the registry's Authorization).
 */
final class BlobGet implements Endpoint<RegistryResponse> {
  private final ImageReference repository;
  private final Digest digest;
  private final long offset;

  BlobGet(ImageReference repository, Digest digest, long offset) {
    this.repository = repository;
    this.digest = digest;
    this.offset = offset;
  }

  @Override
  public String action() {
    return "pulling blob " + digest + " from " + repository.name();
  }

  @Override
  public RegistryRequest request() {
    RegistryRequest r =
        RegistryRequest.of("GET", ApiUrls.blob(repository, digest))
            .forRegistry(
                repository.apiHost(), List.of(RepositoryScope.pull(repository.repository())));
    return offset > 0 ? r.withHeader("Range", "bytes=" + offset + "-") : r;
  }

  @Override
  public RegistryResponse handle(RegistryResponse response) {
    return response;
  }

  /**
   * Where the body starts: 0 for a 200 (the server ignored the range), the Content-Range start for
   * a 206, -1 if the 206 is unreadable.
   */
  static long bodyOffset(RegistryResponse response) {
    if (response.status() != 206) {
      return 0;
    }
    String range = response.header("Content-Range");
    if (range == null) {
      return -1;
    }
    // bytes 100-199/200
    String r = range.trim();
    if (r.startsWith("bytes ")) {
      r = r.substring(6).trim();
    }
    int dash = r.indexOf('-');
    try {
      return dash <= 0 ? -1 : Long.parseLong(r.substring(0, dash).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
