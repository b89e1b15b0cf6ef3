package dev.kiln.registry.client;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.RepositoryScope;
import java.io.IOException;
import java.util.List;

/**
 * {@code GET /v2/<name>/manifests/<reference>} accepting every manifest and index type. The bytes
 * are checked against the digest asked for (when the reference has one) and against the registry's
 * {@code Docker-Content-Digest}.
 */
final class ManifestGet implements Endpoint<RemoteManifest> {
  /**
   * What registries accept, and all that the model parses (larger ones are not read to the end).
   */
  static final long MAX_MANIFEST_BYTES = Manifest.MAX_BYTES;

  private final ImageReference reference;

  ManifestGet(ImageReference reference) {
    this.reference = reference;
  }

  @Override
  public String action() {
    return "pulling manifest " + reference;
  }

  @Override
  public RegistryRequest request() {
    return RegistryRequest.of("GET", ApiUrls.manifest(reference, reference.manifestReference()))
        .withHeader("Accept", MediaType.MANIFEST_ACCEPT)
        .withBufferLimit(MAX_MANIFEST_BYTES)
        .forRegistry(reference.apiHost(), List.of(RepositoryScope.pull(reference.repository())));
  }

  @Override
  public RemoteManifest handle(RegistryResponse response) throws IOException {
    byte[] bytes = response.bodyBytes(MAX_MANIFEST_BYTES);
    Digest actual = Digest.sha256(bytes);
    if (reference.digest() != null) {
      Digest wanted = reference.digest();
      if (!wanted.algorithm().equals("sha256")) {
        actual = digestWith(wanted, bytes);
      }
      if (!actual.equals(wanted)) {
        throw new ContentVerificationException(
            action(),
            "the registry sent a manifest whose digest is "
                + actual
                + ", not the "
                + wanted
                + " asked for");
      }
    }
    String header = response.header("Docker-Content-Digest");
    if (header != null && reference.digest() == null) {
      Digest claimed;
      try {
        claimed = Digest.parse(header.trim());
      } catch (IllegalArgumentException e) {
        claimed = null;
      }
      if (claimed != null && claimed.algorithm().equals("sha256") && !claimed.equals(actual)) {
        throw new ContentVerificationException(
            action(),
            "the registry says the manifest's digest is "
                + claimed
                + " but its bytes hash to "
                + actual
                + " (a proxy may have altered it)");
      }
    }
    Manifest manifest = Manifest.parse(bytes, response.header("Content-Type"));
    return new RemoteManifest(reference, manifest);
  }

  private static Digest digestWith(Digest algorithm, byte[] bytes) {
    byte[] hash = algorithm.newMessageDigest().digest(bytes);
    return new Digest(algorithm.algorithm(), java.util.HexFormat.of().formatHex(hash));
  }
}
