package dev.kiln.core.engine;

import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;

/**
 * Whether two image names say the same reference ({@code app:1} and {@code
 * docker.io/library/app:1}), so a build that writes one image to several outputs names it once.
 */
final class SameName {
  private SameName() {}

  static boolean of(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    try {
      return ImageReference.parse(a).toString().equals(ImageReference.parse(b).toString());
    } catch (InvalidReferenceException e) {
      return false;
    }
  }
}
