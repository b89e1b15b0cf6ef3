package dev.kiln.core.image;

import dev.kiln.cache.store.BlobVerificationException;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Opens an image's blobs wherever they live: the local content store, a registry (fetched on first
 * use), an OCI layout. Outputs read through this so that a base layer is only fetched when an
 * output really needs its bytes.
 *
 * <p>A place, asked for any blob by descriptor; the content store's own reader ({@code
 * cache.store.BlobReader}) and a registry client are what implementations read through. One blob's
 * bytes on their way to a registry are a registry-client {@code BlobContent}.
 */
public interface BlobSource {
  /** The blob's bytes; the caller closes the stream. Implementations verify digest and size. */
  InputStream open(Descriptor descriptor) throws IOException;

  /**
   * The blob's bytes for a writer that hashes them itself and keeps nothing that does not match the
   * descriptor (kiln's content store): a source may skip its own digest check here, so that a
   * downloaded byte is hashed once. Any other reader wants {@link #open}.
   */
  default InputStream openForVerifyingWriter(Descriptor descriptor) throws IOException {
    return open(descriptor);
  }

  /**
   * The failure to report when the bytes {@link #openForVerifyingWriter} gave did not match the
   * descriptor ({@code check} is the writer's): a source says where they came from.
   */
  default IOException wrongBytes(Descriptor descriptor, BlobVerificationException check) {
    return check;
  }

  /**
   * The blob as a local file, when it already is one, so outputs can link instead of copying.
   * Callers must not modify it.
   */
  default Optional<Path> localFile(Descriptor descriptor) {
    return Optional.empty();
  }

  /**
   * The image these blobs are of, as the build named it, for errors about one of its layers; empty
   * when the source is not one image's.
   */
  default String imageName() {
    return "";
  }

  /**
   * The blob as a local file, fetched into one first if this source keeps what it fetches (kiln's
   * store does), so that an output links it instead of writing its bytes a second time; empty if
   * the blob cannot be a local file here. Callers must not modify it.
   */
  default Optional<Path> fetchedFile(Descriptor descriptor) throws IOException {
    return localFile(descriptor);
  }
}
