package dev.kiln.registry.client;

import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RequestBody;

/**
 * {@code PATCH <location>}: sends bytes of an upload. With {@code contentRange}, the chunk's
 * position goes in {@code Content-Range} (chunked upload); without, the body is the rest of the
 * blob (streamed upload). The answer is the session's new location and how many bytes the registry
 * now holds (from its {@code Range: 0-<last>} header, -1 if absent). Not retryable: the uploader
 * recovers from failures itself.
 */
final class UploadPatch implements Endpoint<UploadPatch.Result> {

  record Result(UploadSession session, long bytesStored) {}

  private final UploadSession session;
  private final RequestBody body;
  private final long start;
  private final boolean contentRange;
  private final String what;

  UploadPatch(
      UploadSession session, RequestBody body, long start, boolean contentRange, String what) {
    this.session = session;
    this.body = body;
    this.start = start;
    this.contentRange = contentRange;
    this.what = what;
  }

  @Override
  public String action() {
    return "uploading " + what + " (from byte " + start + ")";
  }

  @Override
  public RegistryRequest request() {
    RegistryRequest r =
        session
            .request("PATCH", session.location())
            .withBody(body)
            .withRetryable(false)
            .withBufferLimit(64 * 1024);
    if (contentRange) {
      r = r.withHeader("Content-Range", start + "-" + (start + body.length() - 1));
    }
    return r;
  }

  @Override
  public Result handle(RegistryResponse response) throws RegistryException {
    String location = response.header("Location");
    UploadSession next =
        location == null
            ? session
            : session.movedTo(UploadSession.resolve(response.request().uri(), location));
    return new Result(next, UploadStatus.storedBytes(response.header("Range")));
  }
}
