package dev.kiln.core.engine;

import dev.kiln.registry.reference.ImageReference;

/**
 * How images are named in kiln's local store: the fully normalised reference with its tag ({@code
 * docker.io/library/busybox:latest}), so {@code -t busybox} and {@code FROM busybox} meet. Public
 * so that the CLI's {@code push}, {@code pull}, {@code tag} and {@code inspect} use the same rule.
 */
public final class StoreNames {
  private StoreNames() {}

  public static String of(ImageReference ref) {
    return dev.kiln.api.place.Place.Store.nameOf(ref);
  }

  public static String of(String reference) {
    return of(ImageReference.parse(reference));
  }
}
