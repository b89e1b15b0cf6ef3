package dev.kiln.gradle.engine;

import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The references an image goes by: {@code image}, then each of {@code tags}; a tag that is only a
 * tag ({@code latest}) names {@code image}'s repository with that tag, as the Maven plugin's and
 * Jib's tags do; anything else must be a full reference.
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
          "kiln { image } '" + image + "' is not an image reference: " + e.getMessage(), e);
    }
    List<String> names = new ArrayList<>();
    names.add(image);
    for (String tag : tags) {
      String trimmed = tag.trim();
      String name;
      if (TAG.matcher(trimmed).matches()) {
        name = base.repositoryOnly().withTag(trimmed).toString();
      } else {
        try {
          name = ImageReference.parse(trimmed).toString();
        } catch (InvalidReferenceException e) {
          throw new IllegalArgumentException(
              "kiln { tags } '"
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
