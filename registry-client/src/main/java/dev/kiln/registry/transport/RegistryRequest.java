package dev.kiln.registry.transport;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One HTTP request as it travels down the interceptor chain. Immutable: interceptors derive new
 * requests with the {@code with…} methods.
 *
 * @param registryHost the registry ({@code host[:port]}) this is an API call to, or null for
 *     requests that are not (token servers, blob storage after a redirect): only API calls are
 *     pinged, have their scheme chosen and get registry credentials
 * @param scopes the repository access the call needs, for bearer tokens; empty for {@code /v2/}
 * @param retryable whether sending it twice is harmless (the retry interceptor only retries those,
 *     and only with a replayable body)
 * @param bufferLimit if positive, the transport reads the whole response body (at most this many
 *     bytes) before returning, so that a body cut short is retried like any other I/O error; 0
 *     streams the body to the caller
 */
public record RegistryRequest(
    String method,
    URI uri,
    Headers headers,
    RequestBody body,
    String registryHost,
    List<RepositoryScope> scopes,
    boolean retryable,
    long bufferLimit) {

  private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS");

  public RegistryRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    headers = headers == null ? Headers.empty() : headers;
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
  }

  /** A request with the defaults for {@code method}: GET/HEAD/PUT/DELETE are retryable. */
  public static RegistryRequest of(String method, URI uri) {
    return new RegistryRequest(
        method, uri, Headers.empty(), null, null, List.of(), IDEMPOTENT.contains(method), 0);
  }

  public RegistryRequest withUri(URI newUri) {
    return new RegistryRequest(
        method, newUri, headers, body, registryHost, scopes, retryable, bufferLimit);
  }

  public RegistryRequest withMethod(String newMethod) {
    return new RegistryRequest(
        newMethod, uri, headers, body, registryHost, scopes, retryable, bufferLimit);
  }

  public RegistryRequest withHeader(String name, String value) {
    return withHeaders(headers.with(name, value));
  }

  public RegistryRequest withoutHeader(String name) {
    return withHeaders(headers.without(name));
  }

  public RegistryRequest withHeaders(Headers newHeaders) {
    return new RegistryRequest(
        method, uri, newHeaders, body, registryHost, scopes, retryable, bufferLimit);
  }

  public RegistryRequest withBody(RequestBody newBody) {
    return new RegistryRequest(
        method, uri, headers, newBody, registryHost, scopes, retryable, bufferLimit);
  }

  /** Marks this as an API call to {@code host} needing {@code newScopes}. */
  public RegistryRequest forRegistry(String host, List<RepositoryScope> newScopes) {
    return new RegistryRequest(method, uri, headers, body, host, newScopes, retryable, bufferLimit);
  }

  public RegistryRequest withRetryable(boolean newRetryable) {
    return new RegistryRequest(
        method, uri, headers, body, registryHost, scopes, newRetryable, bufferLimit);
  }

  public RegistryRequest withBufferLimit(long newLimit) {
    return new RegistryRequest(
        method, uri, headers, body, registryHost, scopes, retryable, newLimit);
  }

  /** Whether the retry interceptor may send this again. */
  public boolean canRetry() {
    return retryable && (body == null || body.replayable());
  }

  /** The URL with query values other than a few harmless ones hidden; safe for logs. */
  public String redactedUrl() {
    return UrlRedactor.redact(uri);
  }

  @Override
  public String toString() {
    return method + " " + redactedUrl();
  }
}
