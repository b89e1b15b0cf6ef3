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

  /** Whether this output can hold an index (an image with its attestations). */
  default boolean holdsIndexes() {
    return false;
  }

  /**
   * Writes {@code index} and every image it lists, naming the index as {@link #write(BuiltImage,
   * List)} names an image. Only outputs that {@link #holdsIndexes()} implement it.
   */
  default void write(BuiltIndex index, List<String> names) throws IOException {
    throw new UnsupportedOperationException(describe() + " holds one image, not an index");
  }

  /** A short description for progress output, e.g. {@code oci archive out.tar}. */
  String describe();
}
