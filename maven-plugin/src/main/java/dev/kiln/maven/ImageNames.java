package dev.kiln.maven;

import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The references an image goes by: the {@code image} parameter, then each of {@code tags}. A tag
 * that is only a tag ({@code latest}, {@code 1.2.0}) names the image's repository with that tag, as
 * Jib's {@code to.tags} do; anything else must be a full reference of its own.
 */
final class ImageNames {
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  private ImageNames() {}

  /**
   * @throws IllegalArgumentException saying which value is wrong and why
   */
  static List<String> of(String image, List<String> tags) {
    ImageReference base;
    try {
      base = ImageReference.parse(image);
    } catch (InvalidReferenceException e) {
      throw new IllegalArgumentException(
          "<image> '" + image + "' is not an image reference: " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    names.add(image);
    for (String tag : tags == null ? List.<String>of() : tags) {
      String trimmed = tag.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      String name;
      if (TAG.matcher(trimmed).matches()) {
        name = base.repositoryOnly().withTag(trimmed).toString();
      } else {
        try {
          name = ImageReference.parse(trimmed).toString();
        } catch (InvalidReferenceException e) {
          throw new IllegalArgumentException(
              "<tags> '"
                  + trimmed
                  + "' is neither a tag (letters, digits, '_', '.', '-') nor an image reference: "
                  + e.getMessage(),
              e);
        }
      }
      if (!names.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }
}
