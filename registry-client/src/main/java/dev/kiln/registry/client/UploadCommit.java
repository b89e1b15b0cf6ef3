package dev.kiln.registry.client;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RequestBody;

/**
 * {@code PUT <location>?digest=<digest>}: finishes an upload, with the whole blob as body
 * (monolithic upload) or an empty one after PATCHes. The registry checks the digest; its {@code
 * Docker-Content-Digest}, when sent, must match.
 */
final class UploadCommit implements Endpoint<Digest> {
  private final UploadSession session;
  private final Digest digest;
  private final RequestBody body;
  private final String what;

  UploadCommit(UploadSession session, Digest digest, RequestBody body, String what) {
    this.session = session;
    this.digest = digest;
    this.body = body;
    this.what = what;
  }

  @Override
  public String action() {
    return "finishing the upload of " + what;
  }

  @Override
  public RegistryRequest request() {
    return session
        .request("PUT", ApiUrls.withQuery(session.location(), "digest", digest.toString()))
        .withBody(body == null ? RequestBody.empty() : body)
        .withRetryable(false)
        .withBufferLimit(64 * 1024);
  }

  @Override
  public Digest handle(RegistryResponse response) throws ContentVerificationException {
    String header = response.header("Docker-Content-Digest");
    if (header != null) {
      try {
        Digest stored = Digest.parse(header.trim());
        if (stored.algorithm().equals(digest.algorithm()) && !stored.equals(digest)) {
          throw new ContentVerificationException(
              action(), "the registry stored " + stored + " instead of " + digest);
        }
      } catch (IllegalArgumentException e) {
        // unparseable header: the registry verified the digest itself
      }
    }
    return digest;
  }
}
