package dev.kiln.registry.client;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RepositoryScope;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v2/<name>/blobs/uploads/}, optionally as a cross-repository mount ({@code
 * ?mount=<digest>&from=<repo>}). A 201 means the mount worked; a 202 opens an upload session (also
 * the answer when a mount is refused). Safe to retry: a lost session just expires.
 */
final class UploadStart implements Endpoint<UploadStart.Result> {

  /** What the registry did with the POST. */
  sealed interface Result {}

  /** The blob was mounted from the other repository: nothing to upload. */
  record Mounted() implements Result {}

  /** An upload session to send the blob to. */
  record Started(UploadSession session) implements Result {}

  private final ImageReference target;
  private final Digest mountDigest;
  private final ImageReference mountFrom;

  /** A plain upload start. */
  UploadStart(ImageReference target) {
    this(target, null, null);
  }

  /** A mount attempt of {@code digest} from {@code from} (same registry). */
  UploadStart(ImageReference target, Digest digest, ImageReference from) {
    this.target = target;
    this.mountDigest = digest;
    this.mountFrom = from;
  }

  @Override
  public String action() {
    return mountFrom == null
        ? "starting an upload to " + target.name()
        : "mounting blob " + mountDigest + " from " + mountFrom.name() + " into " + target.name();
  }

  List<RepositoryScope> scopes() {
    List<RepositoryScope> scopes = new ArrayList<>();
    scopes.add(RepositoryScope.pullPush(target.repository()));
    if (mountFrom != null) {
      scopes.add(RepositoryScope.pull(mountFrom.repository()));
    }
    return scopes;
  }

  @Override
  public RegistryRequest request() {
    return RegistryRequest.of(
            "POST",
            mountFrom == null
                ? ApiUrls.uploads(target)
                : ApiUrls.mount(target, mountDigest, mountFrom))
        .withRetryable(true)
        .withBufferLimit(64 * 1024)
        .forRegistry(target.apiHost(), scopes());
  }

  @Override
  public Result handle(RegistryResponse response) throws RegistryException {
    if (response.status() == 201 && mountFrom != null) {
      return new Mounted();
    }
    String location = response.header("Location");
    if (response.status() != 202 || location == null) {
      throw new RegistryException(
          action(),
          "the registry answered HTTP "
              + response.status()
              + (location == null ? " without a Location header" : "")
              + " instead of opening an upload session",
          null);
    }
    long minChunk = 0;
    String min = response.header("OCI-Chunk-Min-Length");
    if (min != null) {
      try {
        minChunk = Long.parseLong(min.trim());
      } catch (NumberFormatException e) {
        minChunk = 0;
      }
    }
    return new Started(
        new UploadSession(
            UploadSession.resolve(response.request().uri(), location),
            minChunk,
            target.apiHost(),
            List.of(RepositoryScope.pullPush(target.repository()))));
  }
}
