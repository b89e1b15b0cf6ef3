package dev.kiln.registry.client;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MalformedDocumentException;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * An image in a registry, resolved to one platform's manifest. The manifest is in hand; the config
 * is fetched on the first {@link #config()} call and kept; layer bytes are fetched only when a
 * layer is opened. So a base image that is only read for its config, or mounted into another
 * repository, never has a layer downloaded.
 *
 * <p>Thread-safe.
 */
public final class RemoteImage {
  private final RegistryClient client;
  private final ImageReference reference;
  private final RemoteManifest manifest;
  private final Digest indexDigest;
  private volatile ImageConfig config;

  RemoteImage(
      RegistryClient client,
      ImageReference reference,
      RemoteManifest manifest,
      Digest indexDigest) {
    this.client = client;
    this.reference = reference;
    this.manifest = manifest;
    this.indexDigest = indexDigest;
  }

  /** The reference as it was asked for. */
  public ImageReference reference() {
    return reference;
  }

  /** The same repository pinned to this platform manifest's digest. */
  public ImageReference pinned() {
    return reference.repositoryOnly().withDigest(digest());
  }

  /** The digest of this platform's image manifest. */
  public Digest digest() {
    return manifest.digest();
  }

  /** The digest of the index the manifest was chosen from, if the reference named an index. */
  public Optional<Digest> indexDigest() {
    return Optional.ofNullable(indexDigest);
  }

  public ImageManifest manifest() {
    return manifest.imageManifest();
  }

  public Descriptor manifestDescriptor() {
    return manifest.descriptor();
  }

  public List<Descriptor> layers() {
    return manifest().layers();
  }

  /** The config, fetched (and verified against its descriptor) on first use. */
  public ImageConfig config() throws IOException {
    ImageConfig c = config;
    if (c == null) {
      synchronized (this) {
        c = config;
        if (c == null) {
          Descriptor d = manifest().config();
          byte[] bytes = client.readBlob(reference, d);
          try {
            c = ImageConfig.parse(bytes);
          } catch (MalformedDocumentException e) {
            throw new RegistryException("reading the config of " + pinned(), e.getMessage(), e);
          }
          config = c;
        }
      }
    }
    return c;
  }

  /** A verified stream of one of this image's blobs (see {@link RegistryClient#openBlob}). */
  public InputStream openBlob(Descriptor blob) throws IOException {
    return client.openBlob(reference, blob);
  }

  /**
   * A stream of one of this image's blobs whose digest the caller checks (see {@link
   * RegistryClient#openBlobForVerifyingWriter}).
   */
  public InputStream openBlobForVerifyingWriter(Descriptor blob) throws IOException {
    return client.openBlobForVerifyingWriter(reference, blob);
  }

  /** See {@link RegistryClient#blobMismatch}. */
  public ContentVerificationException blobMismatch(Descriptor blob) {
    return client.blobMismatch(reference, blob);
  }

  /**
   * A blob of this image ready to push elsewhere: mounted when the target is on the same registry,
   * else streamed from here only if the target lacks it.
   */
  public BlobToPush blobToPush(Descriptor blob) {
    return new BlobToPush(blob, client.blobContent(reference, blob), reference.repositoryOnly());
  }

  @Override
  public String toString() {
    return "RemoteImage[" + pinned() + "]";
  }
}
