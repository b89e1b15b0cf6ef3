package dev.kiln.core.output;

import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import java.io.IOException;
import java.util.List;

/**
 * A place a built image goes: a registry, the local store, an OCI layout directory, an OCI archive,
 * a docker archive. Each implementation writes atomically: an interrupted write leaves either the
 * previous content or nothing, never a half-written image under the destination name.
 */
public interface ImageOutput {
  /**
   * Writes {@code image}, naming it with {@code names} (full references like {@code
   * registry/app:1}; outputs that store tags derive theirs from these).
   */
  void write(BuiltImage image, List<String> names) throws IOException;

  /**
   * Writes a multi-platform image, or an image with its attestations: every image {@code index}
   * lists, then the index, named with {@code names} as {@link #write} names an image.
   */
  void writeIndex(BuiltIndex index, List<String> names) throws IOException;

  /**
   * Whether this output keeps an image's attestation manifests next to it, in its index (a
   * registry, an OCI layout or archive, as with BuildKit); the others get the images alone.
   */
  default boolean keepsAttestations() {
    return false;
  }

  /** A short description for progress output, e.g. {@code oci archive out.tar}. */
  String describe();
}
