package dev.kiln.registry.config;

import dev.kiln.registry.reference.ImageReference;
import java.util.List;

/**
 * What a name as the user wrote it may be pulled as, in the order to try.
 *
 * @param candidates fully qualified references, at least one
 * @param description how they were found (an alias, unqualified-search registries and from which
 *     file), or empty for a fully qualified name or Docker's default
 */
public record ShortNameResolution(List<ImageReference> candidates, String description) {
  public ShortNameResolution {
    candidates = List.copyOf(candidates);
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidates");
    }
  }

  /** One reference, found without registries.conf's help. */
  public static ShortNameResolution of(ImageReference reference) {
    return new ShortNameResolution(List.of(reference), "");
  }
}
