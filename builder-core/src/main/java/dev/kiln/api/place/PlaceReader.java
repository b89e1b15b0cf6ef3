package dev.kiln.api.place;

import dev.kiln.core.image.BlobSource;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;

/**
 * Reads one place's documents and blobs by digest: an OCI image layout directory (a plain layout,
 * an unpacked archive, kiln's own store) or a registry repository. Everything read is verified
 * against its digest.
 */
public interface PlaceReader {
  /** For messages: {@code OCI layout out/}, {@code registry 127.0.0.1:5000/app}. */
  String describe();

  /** The exact bytes of a manifest or index. */
  byte[] readManifest(Descriptor descriptor) throws IOException;

  /** A small blob (a config) in memory. */
  byte[] readBlob(Descriptor descriptor) throws IOException;

  /** Where sinks other than a registry read layers from. */
  BlobSource blobs();

  /** A blob ready to be pushed from here: from a file, or mounted within a registry. */
  BlobToPush blobToPush(Descriptor descriptor) throws IOException;
}
