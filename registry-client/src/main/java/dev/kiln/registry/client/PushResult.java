package dev.kiln.registry.client;

import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import java.util.List;
import java.util.Map;

/**
 * What a push did.
 *
 * @param pushed the reference by digest ({@code registry/repo@sha256:…})
 * @param manifest the descriptor of the manifest or index that was pushed
 * @param blobs each distinct blob and whether it existed, was mounted or uploaded; empty when the
 *     manifest was already in the repository
 * @param tagsSent the tags a manifest PUT was sent for (tags already pointing at the digest are not
 *     sent again)
 * @param alreadyPresent true if every tag already pointed at this digest, so nothing was sent
 */
public record PushResult(
    ImageReference pushed,
    Descriptor manifest,
    Map<Digest, PushOutcome> blobs,
    List<String> tagsSent,
    boolean alreadyPresent) {

  public PushResult {
    blobs = Map.copyOf(blobs);
    tagsSent = List.copyOf(tagsSent);
  }

  public Digest digest() {
    return manifest.digest();
  }

  /** How many blobs had their bytes uploaded. */
  public long uploadedBlobs() {
    return blobs.values().stream().filter(o -> o == PushOutcome.UPLOADED).count();
  }
}
