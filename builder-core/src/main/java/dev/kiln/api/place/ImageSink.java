package dev.kiln.api.place;

import java.io.IOException;
import java.util.List;

/**
 * Where {@link Places} writes an image: a registry (with skipped and mounted blobs), kiln's local
 * store, an OCI layout, an OCI archive or a docker archive. Every sink writes atomically: a failed
 * write leaves the previous content or nothing under the destination's name.
 */
public interface ImageSink {
  /** For messages: {@code registry}, {@code local store DIR}, {@code oci archive FILE}. */
  String describe();

  /**
   * Writes {@code image} (a single-platform image; a registry also takes a whole index).
   *
   * @param names full references like {@code registry/app:1}: a registry pushes to each of them,
   *     the store names the image by each, files record the tags derived from them; the sink's
   *     place's own name is not added (a registry place's reference is used only when {@code names}
   *     is empty)
   */
  WrittenImage write(LocatedImage image, List<String> names) throws IOException;
}
