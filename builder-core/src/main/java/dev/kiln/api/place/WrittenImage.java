package dev.kiln.api.place;

import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.model.Digest;
import java.util.List;

/**
 * What an {@link ImageSink} wrote.
 *
 * @param digest the manifest's (or index's) digest
 * @param references what the image is now known as: {@code repo:tag@sha256:…} for a registry, the
 *     names given for the store and files
 * @param pushes one per repository pushed to, saying which blobs were uploaded, found or mounted
 *     (empty for other sinks)
 */
public record WrittenImage(Digest digest, List<String> references, List<PushResult> pushes) {
  public WrittenImage {
    references = List.copyOf(references);
    pushes = List.copyOf(pushes);
  }
}
