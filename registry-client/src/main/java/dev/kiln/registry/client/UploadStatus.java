package dev.kiln.registry.client;

import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;

/**
 * {@code GET <location>}: how many bytes of an interrupted upload the registry kept, so that it can
 * continue from there. The answer's {@code Location} may move the session.
 */
final class UploadStatus implements Endpoint<UploadPatch.Result> {
  private final UploadSession session;
  private final String what;

  UploadStatus(UploadSession session, String what) {
    this.session = session;
    this.what = what;
  }

  @Override
  public String action() {
    return "checking the upload of " + what;
  }

  @Override
  public RegistryRequest request() {
    return session.request("GET", session.location()).withBufferLimit(64 * 1024);
  }

  @Override
  public UploadPatch.Result handle(RegistryResponse response) {
    String location = response.header("Location");
    UploadSession next =
        location == null
            ? session
            : session.movedTo(UploadSession.resolve(response.request().uri(), location));
    long stored = storedBytes(response.header("Range"));
    return new UploadPatch.Result(next, Math.max(stored, 0));
  }

  /** {@code 0-99} → 100 bytes stored; {@code 0-0} → 0; no header → -1. */
  static long storedBytes(String range) {
    if (range == null) {
      return -1;
    }
    String r = range.trim();
    if (r.startsWith("bytes=")) {
      r = r.substring(6);
    }
    int dash = r.indexOf('-');
    if (dash < 0) {
      return -1;
    }
    try {
      long end = Long.parseLong(r.substring(dash + 1).trim());
      // Registries write 0-0 for an empty upload too; reading it as 0 at worst resends one byte.
      return end == 0 ? 0 : end + 1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
