package dev.kiln.api.request;

import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The references an image goes by, as the Maven and Gradle plugins (and Jib's {@code to.tags}) take
 * them: an image name, then tags. A tag that is only a tag ({@code latest}, {@code 1.2.0}) names
 * the image's repository with that tag; anything else must be a full reference of its own. Blank
 * tags are skipped and duplicates dropped, so a tag equal to the image's own adds nothing.
 */
public final class ImageNames {
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

  private ImageNames() {}

  /**
   * @param imageLabel how errors name the image's setting, e.g. {@code <image>} or {@code kiln {
   *     image }}
   * @param tagsLabel how errors name the tags' setting
   * @param tags the tags, or null for none
   * @throws IllegalArgumentException saying which value is wrong and why
   */
  public static List<String> of(
      String image, List<String> tags, String imageLabel, String tagsLabel) {
    ImageReference base;
    try {
      base = ImageReference.parse(image);
    } catch (InvalidReferenceException e) {
      throw new IllegalArgumentException(
          imageLabel + " '" + image + "' is not an image reference: " + e.getMessage(), e);
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
              tagsLabel
                  + " '"
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
