package dev.kiln.registry.client;

import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RepositoryScope;
import java.net.URI;
import java.util.List;

/**
 * An upload in progress: where to send the next PATCH or the final PUT (the registry's latest
 * {@code Location}, resolved to an absolute URL), and the smallest chunk it accepts ({@code
 * OCI-Chunk-Min-Length}, 0 if unstated).
 */
record UploadSession(
    URI location, long minChunkLength, String registryHost, List<RepositoryScope> scopes) {

  /** A request to the session's location; credentials go along only if it is on the registry. */
  RegistryRequest request(String method, URI uri) {
    RegistryRequest r = RegistryRequest.of(method, uri);
    String authority = uri.getRawAuthority();
    return authority != null && authority.equalsIgnoreCase(registryHost)
        ? r.forRegistry(registryHost, scopes)
        : r;
  }

  UploadSession movedTo(URI newLocation) {
    return new UploadSession(newLocation, minChunkLength, registryHost, scopes);
  }

  /** Resolves a {@code Location} header (relative or absolute) against the request that got it. */
  static URI resolve(URI requestUri, String location) {
    return requestUri.resolve(location.trim());
  }
}
