package dev.kiln.registry.client;

import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryException;
import java.util.List;
import java.util.stream.Collectors;

/** An index has no manifest for the platform asked for; the message lists what it has. */
public class PlatformNotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public PlatformNotFoundException(
      ImageReference reference, Platform wanted, List<Platform> available) {
    super(
        "resolving " + reference + " for " + wanted,
        "the image has no manifest for "
            + wanted
            + "; it offers "
            + (available.isEmpty()
                ? "no platform-specific manifests"
                : available.stream()
                    .map(Platform::toString)
                    .distinct()
                    .collect(Collectors.joining(", ")))
            + " (choose one with --platform)",
        null);
  }
}
