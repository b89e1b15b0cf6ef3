package dev.kiln.api.build;

import dev.kiln.registry.model.Digest;
import java.util.List;
import java.util.Optional;

/**
 * What a build produced.
 *
 * @param imageDigest the manifest digest of the image (or of the index, for several platforms);
 *     empty when the only outputs were file trees ({@code type=local|tar})
 * @param configDigest the image config's digest (single platform only)
 * @param manifestMediaType the media type of the manifest {@code imageDigest} names
 * @param manifestSize its size in bytes
 * @param names the references the image was stored or pushed under
 * @param pushed the references pushed to registries, with digest ({@code repo:tag@sha256:…})
 * @param stepsExecuted steps that ran
 * @param stepsCached steps whose result came from the cache
 */
public record BuildResult(
    Optional<Digest> imageDigest,
    Optional<Digest> configDigest,
    Optional<String> manifestMediaType,
    long manifestSize,
    List<String> names,
    List<String> pushed,
    int stepsExecuted,
    int stepsCached) {
  public BuildResult {
    names = List.copyOf(names);
    pushed = List.copyOf(pushed);
  }
}
