package dev.kiln.cli.image;

import dev.kiln.api.request.RequestException;
import dev.kiln.registry.reference.ImageReference;

/** The REF a command writes to by tag ({@code push}, {@code index}). */
final class TagTarget {
  private TagTarget() {}

  /**
   * {@code text} as a reference with a tag ({@code latest} when it names none); a digest is refused
   * with "REF {@code text} has a digest; {@code why}".
   */
  static ImageReference parse(String text, String why) {
    ImageReference ref = ImageReference.parse(text);
    if (ref.digest() != null) {
      throw new RequestException(
          "REF " + text + " has a digest; " + why, "write REGISTRY/REPO:TAG");
    }
    return ref.tag() == null ? ref.withTag(ImageReference.DEFAULT_TAG) : ref;
  }
}
